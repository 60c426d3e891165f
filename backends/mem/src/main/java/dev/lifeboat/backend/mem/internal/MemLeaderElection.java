package dev.lifeboat.backend.mem.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeadershipListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A connection to the election group of a {@link MemStore}. Leadership changes at once when a
 * leader resigns, closes or has its session expired by a fault hook, so the fail-over timeout is
 * only the time a listener's thread needs to run. Listeners of this connection's candidates are
 * told on one thread of the connection, in order.
 */
public final class MemLeaderElection implements LeaderElection {
    /** Hand-over is immediate; this bounds the wait for the group's monitor. */
    public static final Duration FAILOVER_TIMEOUT = Duration.ofMillis(100);

    private final MemStore store;
    private final Set<Capability> capabilities;
    private final Map<String, MemCandidate> candidates = new LinkedHashMap<>();
    private final ExecutorService events;
    private boolean closed;

    public MemLeaderElection(MemStore store, Set<Capability> capabilities) {
        this.store = store;
        this.capabilities = Set.copyOf(capabilities);
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-mem-election-" + store.name());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Candidate join(String participantId, LeadershipListener listener) throws IOException {
        requireNonNull(participantId, "participantId is null");
        requireNonNull(listener, "listener is null");
        Names.validate("participant id", participantId);
        if (participantId.contains("/")) {
            throw new IllegalArgumentException("participant id '" + participantId + "' contains a '/'");
        }
        store.call("election join");
        MemCandidate candidate;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the election connection to " + store.uri() + " is closed");
            }
            if (candidates.containsKey(participantId)) {
                throw new IllegalArgumentException("participant '" + participantId + "' already joined " + store.uri()
                        + " through this connection");
            }
            candidate = new MemCandidate(this, participantId, listener, events);
            candidates.put(participantId, candidate);
        }
        store.group().join(candidate);
        return candidate;
    }

    @Override
    public Duration failoverTimeout() {
        return FAILOVER_TIMEOUT;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() throws IOException {
        List<MemCandidate> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(candidates.values());
        }
        try {
            Closeables.closeAll(all);
        } finally {
            events.shutdown();
        }
    }

    MemGroup group() {
        return store.group();
    }

    synchronized void forget(MemCandidate candidate) {
        candidates.remove(candidate.participantId(), candidate);
    }
}

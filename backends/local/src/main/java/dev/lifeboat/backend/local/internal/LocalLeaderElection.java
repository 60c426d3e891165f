package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeadershipListener;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link LeaderElection} among the processes of one machine, through a directory (see
 * {@link LocalElectionFiles}).
 *
 * <p>The leader holds an exclusive {@link java.nio.channels.FileLock} on {@code leader.lock}.
 * Candidates that do not lead try to take it every poll interval; the one that gets it reads the
 * epoch file, writes the next epoch durably, and only then becomes leader, so epochs grow
 * strictly and survive every participant restarting. A killed leader's lock is released by the
 * OS, and a standby takes over within {@link #failoverTimeout()}. Within one JVM, candidates on
 * the same directory are arbitrated by a {@linkplain LocalElectionJvmSlot slot} before the file
 * lock. A leader checks at every poll that the lock file is still the one it locked and that the
 * epoch file still holds its epoch; if not, its leadership ends ({@code SESSION_LOST} or
 * {@code SUPERSEDED}).
 */
public final class LocalLeaderElection implements LeaderElection {
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(
            EnumSet.of(Capability.ELECTION_CROSS_PROCESS, Capability.ELECTION_DURABLE_EPOCH));

    private final LocalElectionSettings settings;
    private final LocalElectionJvmSlot slot;
    private final Map<String, LocalLeaderCandidate> candidates = new LinkedHashMap<>();
    private boolean closed;

    private LocalLeaderElection(LocalElectionSettings settings, LocalElectionJvmSlot slot) {
        this.settings = settings;
        this.slot = slot;
    }

    /** Opens the election group, creating its directory if absent. */
    public static LocalLeaderElection open(LocalElectionSettings settings) throws IOException {
        requireNonNull(settings, "settings is null");
        Files.createDirectories(settings.root());
        return new LocalLeaderElection(
                settings, LocalElectionJvmSlot.forRoot(settings.root().toRealPath()));
    }

    @Override
    public Candidate join(String participantId, LeadershipListener listener) throws IOException {
        Names.validate("participant id", participantId);
        if (participantId.contains("/")) {
            throw new IllegalArgumentException("participant id '" + participantId + "' contains a '/'");
        }
        requireNonNull(listener, "listener is null");
        LocalLeaderCandidate candidate;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("leader election " + settings.group() + " is closed");
            }
            if (candidates.containsKey(participantId)) {
                throw new IllegalArgumentException("participant '" + participantId + "' already joined "
                        + settings.group() + " through this connection");
            }
            candidate = new LocalLeaderCandidate(this, settings, slot, participantId, listener);
            candidates.put(participantId, candidate);
        }
        candidate.start();
        return candidate;
    }

    @Override
    public Duration failoverTimeout() {
        return settings.failoverTimeout();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void close() throws IOException {
        List<LocalLeaderCandidate> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = List.copyOf(candidates.values());
        }
        Closeables.closeAll(toClose);
    }

    @Override
    public String toString() {
        return "LocalLeaderElection[" + settings.group() + "]";
    }

    /** A candidate left: its id may join again. */
    synchronized void left(LocalLeaderCandidate candidate) {
        candidates.remove(candidate.participantId(), candidate);
    }
}

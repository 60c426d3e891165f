package dev.lifeboat.backend.common.election;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeadershipListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An election group reached through one connection, written once for the backends whose
 * participant ids become one segment of a stored record: {@link #join} checks the id (a valid name,
 * one segment without spaces, none of the backend's reserved ids), refuses a second candidate with
 * the same id on this connection and any join after {@link #close}, and starts the candidate;
 * {@link #close} closes every candidate, then the connection they use. A backend supplies its
 * candidate ({@link #newCandidate}, {@link #start}) and its {@link #failoverTimeout}, and calls
 * {@link #left} when a candidate is done.
 *
 * @param <C> the backend's candidate
 */
public abstract class AbstractLeaderElection<C extends Candidate> implements LeaderElection {
    private final AutoCloseable connection;
    private final String group;
    private final Set<Capability> capabilities;
    private final Set<String> reservedIds;
    private final Map<String, C> candidates = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param connection what the candidates use; closed last by {@link #close}
     * @param group the group's name, for messages and leaderships
     * @param capabilities what this election guarantees
     * @param reservedIds participant ids the backend's records use for themselves
     */
    protected AbstractLeaderElection(
            AutoCloseable connection, String group, Set<Capability> capabilities, Set<String> reservedIds) {
        this.connection = requireNonNull(connection, "connection is null");
        this.group = requireNonNull(group, "group is null");
        this.capabilities = Set.copyOf(capabilities);
        this.reservedIds = Set.copyOf(reservedIds);
    }

    /** A new candidate, not started yet; {@code participantId} is valid and not taken. */
    protected abstract C newCandidate(String participantId, LeadershipListener listener);

    /** Starts {@code candidate} competing, once it is registered. */
    protected abstract void start(C candidate);

    /** The group's name. */
    protected final String group() {
        return group;
    }

    /** Forgets {@code candidate} (it resigned or was closed), so its id may join again. */
    protected final void left(String participantId, C candidate) {
        candidates.remove(participantId, candidate);
    }

    @Override
    public final Candidate join(String participantId, LeadershipListener listener) throws IOException {
        Names.validate("participant id", participantId);
        if (participantId.contains("/") || participantId.contains(" ") || reservedIds.contains(participantId)) {
            throw new IllegalArgumentException(
                    "participant id '" + participantId + "' must be one segment without spaces" + reservedText());
        }
        requireNonNull(listener, "listener is null");
        if (closed) {
            throw new IllegalStateException("the election " + group + " is closed");
        }
        C c = newCandidate(participantId, listener);
        if (candidates.putIfAbsent(participantId, c) != null) {
            throw new IllegalArgumentException(
                    "participant id '" + participantId + "' already joined " + group + " through this connection");
        }
        start(c);
        return c;
    }

    private String reservedText() {
        if (reservedIds.isEmpty()) {
            return "";
        }
        List<String> quoted = new ArrayList<>();
        reservedIds.stream().sorted().forEach(id -> quoted.add("'" + id + "'"));
        return ", and not " + String.join(" or ", quoted);
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /** Closes every candidate (each leaves as on {@code close()}), then the connection. Idempotent. */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(candidates.values());
        all.add(connection); // last: the candidates need it to leave
        Closeables.closeAll(all);
    }
}

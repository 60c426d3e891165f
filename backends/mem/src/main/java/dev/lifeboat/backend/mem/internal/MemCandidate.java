package dev.lifeboat.backend.mem.internal;

import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/** A participant of a {@link MemGroup}, joined through a {@link MemLeaderElection}. */
final class MemCandidate implements Candidate {
    private final MemLeaderElection connection;
    private final String participantId;
    private final LeadershipListener listener;
    private final Executor events;
    private volatile Leadership leadership;
    private boolean left;

    MemCandidate(MemLeaderElection connection, String participantId, LeadershipListener listener, Executor events) {
        this.connection = connection;
        this.participantId = participantId;
        this.listener = listener;
        this.events = events;
    }

    /** Called by the group under its monitor. */
    void win(Leadership l) {
        synchronized (this) {
            leadership = l;
            notifyAll();
        }
        tell(() -> listener.elected(l));
    }

    /** Called by the group under its monitor. */
    void lose(LossReason reason) {
        Leadership l = leadership;
        leadership = null;
        if (l != null) {
            tell(() -> listener.lost(l, reason));
        }
    }

    private void tell(Runnable call) {
        try {
            events.execute(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the connection is closed: nobody listens any more
        }
    }

    @Override
    public String participantId() {
        return participantId;
    }

    @Override
    public boolean isLeader() {
        return leadership != null;
    }

    @Override
    public Optional<Leadership> leadership() {
        return Optional.ofNullable(leadership);
    }

    @Override
    public boolean awaitLeadership(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (leadership == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    @Override
    public void resign() {
        leave(LossReason.RESIGNED);
    }

    @Override
    public void close() {
        leave(LossReason.CLOSED);
    }

    private void leave(LossReason reason) {
        synchronized (this) {
            if (left) {
                return;
            }
            left = true;
        }
        connection.group().leave(this, reason);
        connection.forget(this);
    }
}

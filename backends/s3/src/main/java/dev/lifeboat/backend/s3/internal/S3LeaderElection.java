package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.election.AbstractLeaderElection;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Leader election with one lease object per group ({@code election/lease}), changed only by
 * compare-and-set ({@link EtagLease}: {@code If-None-Match: *} to create it, {@code If-Match} on its
 * ETag to take it over, renew it or release it); a candidate polls it on a timer. Every takeover writes epoch + 1, so epochs only grow and survive
 * every participant restarting.
 *
 * <p><b>Clock assumption.</b> No wall clocks are compared. A follower takes over a lease only after
 * seeing the same ETag, on its own monotonic clock, for a whole lease duration; a leader counts
 * itself deposed at 90% of the lease duration after it <em>sent</em> its last successful renewal.
 * This is safe as long as the participants' clocks run at rates within 10% of each other. A leader
 * paused longer than that (a GC pause, a stopped VM) may act late: the epoch is what lets storage
 * refuse its work.
 */
public final class S3LeaderElection extends AbstractLeaderElection<S3LeaderElection.S3Candidate> {
    static final String LEASE = "election/lease";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectStore store;
    private final Duration leaseDuration;
    private final Duration renewInterval;

    public S3LeaderElection(
            ObjectStore store,
            String group,
            Duration leaseDuration,
            Duration renewInterval,
            Set<Capability> capabilities) {
        super(requireNonNull(store, "store is null"), group, capabilities, Set.of());
        this.store = store;
        this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration is null");
        this.renewInterval = requireNonNull(renewInterval, "renewInterval is null");
    }

    @Override
    protected S3Candidate newCandidate(String participantId, LeadershipListener listener) {
        return new S3Candidate(participantId, listener);
    }

    @Override
    protected void start(S3Candidate candidate) {
        candidate.start();
    }

    @Override
    public Duration failoverTimeout() {
        return leaseDuration.plus(renewInterval.multipliedBy(2));
    }

    /** One participant: a loop on its own thread, and listener calls in order on another. */
    final class S3Candidate implements Candidate {
        private final String participantId;
        private final LeadershipListener listener;
        private final String session;
        private final EtagLease<LeaseRecord> lease =
                new EtagLease<>(store, store.key(LEASE), leaseDuration, LeaseRecord::encode, LeaseRecord::decode);
        private final ScheduledExecutorService loop;
        private final ExecutorService events;
        private final Object monitor = new Object();

        // Touched by the loop thread only (and by resign, which runs on it).
        private boolean withdrawn;

        private volatile boolean withdrawnFlag;
        private volatile Leadership leadership;
        private volatile long validUntilNanos;

        S3Candidate(String participantId, LeadershipListener listener) {
            this.participantId = participantId;
            this.listener = listener;
            byte[] b = new byte[8];
            RANDOM.nextBytes(b);
            this.session = HexFormat.of().formatHex(b);
            this.loop =
                    Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lifeboat-s3-election-" + participantId));
            this.events =
                    Executors.newSingleThreadExecutor(r -> daemon(r, "lifeboat-s3-election-events-" + participantId));
        }

        // The future only cancels: tick() catches storage failures itself, and close stops the loop.
        @SuppressWarnings("FutureReturnValueIgnored")
        void start() {
            loop.scheduleWithFixedDelay(this::tick, 0, renewInterval.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public String participantId() {
            return participantId;
        }

        @Override
        public boolean isLeader() {
            return leadership != null && System.nanoTime() - validUntilNanos < 0;
        }

        @Override
        public Optional<Leadership> leadership() {
            Leadership l = leadership;
            return l != null && isLeader() ? Optional.of(l) : Optional.empty();
        }

        @Override
        public boolean awaitLeadership(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (monitor) {
                while (!isLeader()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || withdrawnFlag) {
                        return isLeader();
                    }
                    TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(left, renewInterval.toNanos()));
                }
                return true;
            }
        }

        private void tick() {
            if (withdrawn) {
                return;
            }
            try {
                if (leadership != null) {
                    renew();
                } else {
                    tryAcquire();
                }
            } catch (IOException | RuntimeException e) {
                // A storage error: a leader keeps trying while its lease lasts (renew() checks).
            }
        }

        private void renew() throws IOException {
            Leadership l = leadership;
            long start = System.nanoTime();
            LeaseRecord next = new LeaseRecord(
                    l.epoch(), participantId, session, lease.held().renewal() + 1);
            Optional<String> written;
            try {
                written = lease.replace(next);
            } catch (IOException e) {
                // Unknown or failed: try again next tick while the lease lasts. (A renewal that
                // succeeds after isLeader() turned false by time keeps the leadership: the
                // compare-and-set proves nobody took the lease meanwhile.)
                if (System.nanoTime() - validUntilNanos >= 0) {
                    lose(LossReason.SESSION_LOST);
                }
                return;
            }
            if (written.isEmpty()) {
                Optional<EtagLease.Seen<LeaseRecord>> back = lease.read();
                if (back.isPresent() && back.get().value().equals(next)) {
                    lease.hold(next, back.get().etag()); // our own renewal, whose answer was lost
                } else {
                    lose(LossReason.SUPERSEDED);
                    return;
                }
            }
            validUntilNanos = start + validity();
        }

        private void tryAcquire() throws IOException {
            long start = System.nanoTime();
            Optional<EtagLease.Seen<LeaseRecord>> seen = lease.read();
            LeaseRecord next;
            if (seen.isEmpty()) {
                next = new LeaseRecord(1, participantId, session, 0);
            } else {
                LeaseRecord current = seen.get().value();
                boolean ours = current.session().equals(session); // a takeover whose answer was lost
                if (!ours
                        && !current.released()
                        && !lease.observe(seen.get().etag()).expired()) {
                    return; // the holder may still be alive
                }
                next = new LeaseRecord(current.epoch() + 1, participantId, session, 0);
                start = System.nanoTime();
            }
            if (lease.take(seen.orElse(null), next).isEmpty()) {
                lease.forgetObserved(); // someone else moved first: observe again
                return;
            }
            validUntilNanos = start + validity();
            Leadership l = new Leadership(group(), participantId, next.epoch(), System.currentTimeMillis());
            leadership = l;
            signal();
            events.execute(() -> listener.elected(l));
        }

        private long validity() {
            return leaseDuration.toNanos() / 10 * 9;
        }

        private void lose(LossReason reason) {
            Leadership l = leadership;
            if (l == null) {
                return;
            }
            leadership = null;
            validUntilNanos = System.nanoTime();
            signal();
            events.execute(() -> listener.lost(l, reason));
        }

        private void signal() {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }

        @Override
        public void resign() throws IOException {
            leave(LossReason.RESIGNED);
        }

        @Override
        public void close() throws IOException {
            leave(LossReason.CLOSED);
        }

        private void leave(LossReason reason) throws IOException {
            if (withdrawnFlag) {
                return;
            }
            withdrawnFlag = true;
            Future<?> done;
            try {
                done = loop.submit(() -> {
                    withdrawn = true;
                    Leadership l = leadership;
                    if (l != null) {
                        lose(reason);
                        try { // release, so another candidate takes over at its next poll
                            lease.replace(new LeaseRecord(
                                    l.epoch(), "", "", lease.held().renewal() + 1));
                        } catch (IOException e) {
                            // the lease then simply runs out
                        }
                    }
                    return null;
                });
            } catch (RejectedExecutionException e) {
                return;
            }
            try {
                done.get(
                        store.settings().apiCallTimeout().toMillis() + renewInterval.toMillis() * 2 + 1000,
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // a leader that could not release in time simply lets its lease run out
            } finally {
                loop.shutdownNow();
                events.shutdown();
                try {
                    events.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                left(participantId, this);
                signal();
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

package dev.lifeboat.backend.azure.internal;

import static java.util.Objects.requireNonNull;

import com.azure.core.http.RequestConditions;
import com.azure.core.util.Context;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.lifeboat.backend.common.election.AbstractLeaderElection;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leader election on a blob lease. The group's blob ({@code election/leader} under the group's
 * prefix) holds an {@link ElectionRecord}. A candidate becomes leader by acquiring the blob's
 * lease (one holder at a time, enforced by the service) and then writing the next epoch with
 * {@code If-Match} on the ETag it read and the lease id: the epoch only grows, and only the lease
 * holder can advance it.
 *
 * <p>The leader renews every {@code renewInterval} and, after each renewal, checks that the blob
 * still carries the ETag of its own write, so it does not rely on the service refusing to renew a
 * lease that expired while someone else wrote (which Azurite wrongly accepts). It also stops
 * believing it leads once {@code leaseDuration} minus one {@code renewInterval} has passed, by its
 * own monotonic clock, since the start of its last successful renewal: the lease cannot have been
 * handed to another candidate before then, provided this process's clock does not run slower than
 * the service's by more than that margin. Resigning releases the lease (or, if the release cannot
 * be made, breaks it with period 0 while the blob still carries this leader's write), so a
 * follower polling every {@code renewInterval} takes over at once; a crashed leader's lease
 * expires after {@code leaseDuration}.
 */
public final class AzureLeaderElection extends AbstractLeaderElection<AzureLeaderElection.AzureCandidate> {
    static final String BLOB = "election/leader";
    private static final Logger LOG = Logger.getLogger(AzureLeaderElection.class.getName());

    private final Blobs blobs;
    private final Duration leaseDuration;
    private final Duration renewInterval;

    public AzureLeaderElection(
            Blobs blobs, String group, Duration leaseDuration, Duration renewInterval, Set<Capability> capabilities) {
        // "-" is the holder of an election record that nobody led yet.
        super(requireNonNull(blobs, "blobs is null"), group, capabilities, Set.of("-"));
        this.blobs = blobs;
        this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration is null");
        this.renewInterval = requireNonNull(renewInterval, "renewInterval is null");
    }

    @Override
    protected AzureCandidate newCandidate(String participantId, LeadershipListener listener) {
        return new AzureCandidate(participantId, listener);
    }

    @Override
    protected void start(AzureCandidate candidate) {
        candidate.start();
    }

    @Override
    public Duration failoverTimeout() {
        return leaseDuration.plus(renewInterval);
    }

    /** One participant, with its own thread that competes, renews and tells the listener. */
    final class AzureCandidate implements Candidate {
        private final String id;
        private final LeadershipListener listener;
        private final Thread thread;
        private final Object lock = new Object();
        /** Proposed for every acquire, so a retried acquire whose first answer was lost is still ours. */
        private final String leaseId = UUID.randomUUID().toString();

        private volatile Leadership leadership;
        private volatile boolean withdrawn;
        private LossReason withdrawReason;
        private String writtenEtag;
        private long validUntilNanos;

        AzureCandidate(String id, LeadershipListener listener) {
            this.id = id;
            this.listener = listener;
            this.thread = new Thread(this::run, "azure-election-" + id);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private BlobLeaseClient lease() {
            return new BlobLeaseClientBuilder()
                    .blobClient(blobs.blob(BLOB))
                    .leaseId(leaseId)
                    .buildClient();
        }

        private void run() {
            try {
                blobs.putIfAbsent(BLOB, new ElectionRecord(0, "-").encode());
            } catch (IOException e) {
                // retried by the acquire below, which needs the blob
            }
            while (!withdrawn) {
                try {
                    if (leadership == null) {
                        tryToLead();
                    } else {
                        renew();
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "election " + group() + " participant " + id + ": " + e.getMessage(), e);
                    if (e instanceof Blobs.NotFound) {
                        try {
                            blobs.putIfAbsent(BLOB, new ElectionRecord(0, "-").encode());
                        } catch (IOException again) {
                            // next round
                        }
                    }
                }
                checkLocalDeadline();
                sleep(renewInterval);
            }
            end();
        }

        private void tryToLead() throws IOException {
            long started = System.nanoTime();
            try {
                blobs.call(
                        "lease",
                        BLOB,
                        () -> lease().acquireLeaseWithResponse(
                                        (int) leaseDuration.toSeconds(), null, blobs.callTimeout(), Context.NONE));
            } catch (Blobs.ConditionFailed e) {
                return; // another participant leads
            }
            Blobs.Blob blob = blobs.get(BLOB).orElseThrow(() -> new Blobs.NotFound(blobs.describe(BLOB), null));
            ElectionRecord current = ElectionRecord.decode(blob.bytes(), blobs.describe(BLOB));
            ElectionRecord next = new ElectionRecord(current.epoch() + 1, id);
            Optional<String> etag;
            try {
                etag = blobs.putIfMatch(BLOB, next.encode(), blob.etag(), leaseId);
            } catch (OutcomeUnknownException e) {
                etag = Optional.empty(); // not knowing whether the epoch advanced, do not lead on it
            }
            if (etag.isEmpty() || withdrawn) {
                release();
                return;
            }
            Leadership l = new Leadership(group(), id, next.epoch(), System.currentTimeMillis());
            synchronized (lock) {
                writtenEtag = etag.get();
                validUntilNanos = started + validity();
                leadership = l;
            }
            listener.elected(l);
        }

        /** How long after a renewal was sent this leader may rely on it. */
        private long validity() {
            return leaseDuration.minus(renewInterval).toNanos();
        }

        private void renew() throws IOException {
            long started = System.nanoTime();
            try {
                blobs.call(
                        "renew the lease on",
                        BLOB,
                        () -> lease().renewLeaseWithResponse(
                                        (RequestConditions) null, blobs.callTimeout(), Context.NONE));
            } catch (Blobs.ConditionFailed | Blobs.NotFound e) {
                lose(LossReason.SESSION_LOST);
                return;
            }
            // Independent of whether the service was right to renew: the blob must still carry our write.
            Optional<com.azure.storage.blob.models.BlobProperties> props = blobs.head(BLOB);
            if (props.isEmpty() || !props.get().getETag().equals(writtenEtag)) {
                lose(LossReason.SUPERSEDED);
                return;
            }
            synchronized (lock) {
                if (leadership != null) {
                    validUntilNanos = started + validity();
                }
            }
        }

        private void checkLocalDeadline() {
            boolean expired;
            synchronized (lock) {
                expired = leadership != null && System.nanoTime() - validUntilNanos > 0;
            }
            if (expired) {
                lose(LossReason.SESSION_LOST);
            }
        }

        /** Ends this leadership locally and tells the listener. */
        private void lose(LossReason reason) {
            Leadership l;
            synchronized (lock) {
                l = leadership;
                leadership = null;
            }
            if (l != null) {
                listener.lost(l, reason);
            }
        }

        private void release() {
            try {
                blobs.call(
                        "release the lease on",
                        BLOB,
                        () -> lease().releaseLeaseWithResponse(
                                        (RequestConditions) null, blobs.callTimeout(), Context.NONE));
            } catch (Blobs.ConditionFailed | Blobs.NotFound e) {
                // not ours any more
            } catch (IOException e) {
                breakIfStillOurs();
            }
        }

        /** Breaks the lease with period 0, only while the blob still carries this leader's write. */
        private void breakIfStillOurs() {
            String etag = writtenEtag;
            if (etag == null) {
                return; // the lease expires by itself
            }
            try {
                blobs.call(
                        "break the lease on",
                        BLOB,
                        () -> lease().breakLeaseWithResponse(
                                        0,
                                        new RequestConditions().setIfMatch(etag),
                                        blobs.callTimeout(),
                                        Context.NONE));
            } catch (IOException e) {
                // it expires by itself within leaseDuration
            }
        }

        private void end() {
            boolean leading = leadership != null;
            LossReason reason;
            synchronized (lock) {
                reason = withdrawReason;
            }
            if (leading) {
                Leadership l;
                synchronized (lock) {
                    l = leadership;
                    leadership = null;
                }
                release();
                if (l != null) {
                    listener.lost(l, reason);
                }
            }
        }

        private void sleep(Duration d) {
            long deadline = System.nanoTime() + Math.max(1, d.toNanos());
            synchronized (lock) {
                try {
                    // until the interval is over or withdraw() wakes it; a spurious wakeup waits on
                    for (long left = deadline - System.nanoTime();
                            !withdrawn && left > 0;
                            left = deadline - System.nanoTime()) {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    withdrawn = true;
                }
            }
        }

        @Override
        public String participantId() {
            return id;
        }

        @Override
        public boolean isLeader() {
            synchronized (lock) {
                return leadership != null && System.nanoTime() - validUntilNanos < 0;
            }
        }

        @Override
        public Optional<Leadership> leadership() {
            synchronized (lock) {
                return isLeader() ? Optional.of(leadership) : Optional.empty();
            }
        }

        @Override
        public boolean awaitLeadership(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!isLeader()) {
                if (withdrawn || System.nanoTime() - deadline > 0) {
                    return isLeader();
                }
                Thread.sleep(10);
            }
            return true;
        }

        @Override
        public void resign() throws IOException {
            withdraw(LossReason.RESIGNED);
        }

        @Override
        public void close() throws IOException {
            withdraw(LossReason.CLOSED);
            left(id, this);
        }

        /** Stops competing; the thread releases the lease and tells the listener before this returns. */
        private void withdraw(LossReason reason) throws IOException {
            synchronized (lock) {
                if (!withdrawn) {
                    withdrawn = true;
                    withdrawReason = reason;
                }
                lock.notifyAll();
            }
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(blobs.callTimeout().multipliedBy(2).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while resigning from " + group());
                }
            }
        }
    }
}

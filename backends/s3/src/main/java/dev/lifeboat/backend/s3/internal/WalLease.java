package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.OutcomeUnknownException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * A write-ahead log writer's lease in the head object ({@link WalHead}), changed only by
 * compare-and-set: taken at open (epoch + 1), renewed every {@code renewInterval} (recording how
 * far the log is persisted), moved by truncation and released by a clean close. Every head read
 * is verified; a head of the earlier, unchecked format is verified against the batch objects
 * before its low LSN is carried into the new head. The compare-and-set and the wait for a lease
 * that is no longer renewed are {@link EtagLease}'s; this class blocks while it acquires.
 *
 * <p>Clock assumption: only this process' monotonic clock is used, so clock rates must agree
 * (within the margin between renew interval and lease duration), not wall clocks.
 */
final class WalLease {
    private static final int MAX_ROUNDS = 64;

    /** Tells whether a batch object starts at an LSN (verifies the low LSN of an unchecked head). */
    interface LowCheck {
        boolean segmentStartsAt(long lsn) throws IOException;
    }

    private final ObjectStore store;
    private final String key;
    private final String writerId;
    private final Duration renewInterval;
    private final EtagLease<WalHead> lease;
    private final Object lock = new Object(); // serializes updates of the head
    private ScheduledExecutorService heartbeat;

    WalLease(ObjectStore store, String writerId, Duration leaseDuration, Duration renewInterval) {
        this.store = requireNonNull(store, "store is null");
        this.key = store.key(WalLayout.HEAD);
        this.writerId = requireNonNull(writerId, "writerId is null");
        this.renewInterval = requireNonNull(renewInterval, "renewInterval is null");
        this.lease = new EtagLease<>(
                store, key, requireNonNull(leaseDuration, "leaseDuration is null"), WalHead::encode, WalHead::decode);
    }

    /** The verified head of the log at {@code store}, or empty if there is none. */
    static Optional<WalHead> read(ObjectStore store) throws IOException {
        String key = store.key(WalLayout.HEAD);
        Optional<ObjectStore.Blob> blob = store.get(key);
        return blob.isEmpty()
                ? Optional.empty()
                : Optional.of(WalHead.decode(blob.get().bytes(), store.describe(key)));
    }

    /** The head as this writer last wrote it. */
    WalHead head() {
        return lease.held();
    }

    /**
     * Takes the lease: at once if the log is new or its last writer closed it; after
     * {@code leaseDuration} without a renewal if that writer died; never while it renews.
     *
     * @return the head this writer wrote
     * @throws ConcurrentWriterException if another writer holds the log and keeps renewing its lease
     * @throws CorruptDataException if the head is damaged, or unchecked and contradicted by the objects
     */
    WalHead acquire(LowCheck lowCheck) throws IOException {
        for (int round = 0; round < 100_000; round++) {
            Optional<EtagLease.Seen<WalHead>> seen = lease.read();
            WalHead next;
            if (seen.isPresent()) {
                WalHead current = seen.get().value();
                if (current.writerId().equals(writerId)) { // our own write whose answer was lost
                    lease.hold(current, seen.get().etag());
                    return current;
                }
                if (current.open()) {
                    EtagLease.Observation o = lease.observe(seen.get().etag());
                    if (o.changed()) {
                        throw new ConcurrentWriterException("the write-ahead log " + store.location()
                                + " has a live writer (epoch " + current.epoch() + " renewed its lease while this"
                                + " writer waited for it to expire)");
                    }
                    if (!o.expired()) {
                        sleep(Math.min(o.nanosLeft(), Math.max(1, renewInterval.toNanos() / 2)));
                        continue;
                    }
                    // The lease ran out: its writer died or is cut off; fence it with a new epoch.
                }
                if (!current.checked() && current.lowLsn() > 0 && !lowCheck.segmentStartsAt(current.lowLsn())) {
                    throw new CorruptDataException(
                            store.describe(key),
                            0,
                            "the head (earlier format, without a"
                                    + " checksum) names low LSN " + current.lowLsn()
                                    + " but no batch object starts there:"
                                    + " it cannot be verified, so it is not acted on");
                }
                next = WalHead.opened(current.epoch() + 1, writerId, current.lowLsn(), current.endLsn());
            } else {
                next = WalHead.opened(1, writerId, 0, 0);
            }
            try {
                if (lease.take(seen.orElse(null), next).isPresent()) {
                    return next;
                }
            } catch (OutcomeUnknownException e) {
                // read back in the next round
            }
        }
        throw new ConcurrentWriterException("could not open the write-ahead log " + store.location()
                + ": its head kept changing (writers opening at the same time)");
    }

    private static void sleep(long nanos) throws InterruptedIOException {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lease of a write-ahead log writer");
        }
    }

    /**
     * Renews the lease every {@code renewInterval} while {@code healthy}, recording {@code end} (how
     * far the log is persisted); a renewal that finds another writer's head hands the
     * {@link FencedException} to {@code fenced}. Other failures are retried at the next renewal (the
     * lease lasts several intervals).
     */
    // The future only cancels: the task handles its failures, and stopRenewing() stops the executor.
    @SuppressWarnings("FutureReturnValueIgnored")
    void startRenewing(LongSupplier end, BooleanSupplier healthy, Consumer<FencedException> fenced) {
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-s3-wal-lease-" + store.location());
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(
                () -> {
                    if (!healthy.getAsBoolean()) {
                        return;
                    }
                    long persisted = end.getAsLong();
                    try {
                        update(h -> h.renewed(persisted), "renewal of the writer lease");
                    } catch (FencedException e) {
                        fenced.accept(e);
                    } catch (IOException | RuntimeException e) {
                        // try again at the next renewal
                    }
                },
                renewInterval.toNanos(),
                renewInterval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** Stops renewing (the lease then runs out unless released). */
    void stopRenewing() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
    }

    /**
     * Replaces the head this writer holds with {@code change} of it (compare-and-set).
     *
     * @throws FencedException if another writer took the head
     */
    void update(UnaryOperator<WalHead> change, String what) throws IOException {
        synchronized (lock) {
            WalHead head = lease.held();
            WalHead next = change.apply(head);
            if (next.equals(head)) {
                return;
            }
            for (int round = 0; round < MAX_ROUNDS; round++) {
                try {
                    if (lease.replace(next).isPresent()) {
                        return;
                    }
                } catch (OutcomeUnknownException e) {
                    // read back
                }
                Optional<EtagLease.Seen<WalHead>> seen = lease.read();
                if (seen.isEmpty()) {
                    throw new NoSuchFileException(store.describe(key), null, "the write-ahead log's head vanished");
                }
                WalHead current = seen.get().value();
                if (!current.writerId().equals(writerId) || current.epoch() != head.epoch()) {
                    throw new FencedException(
                            what + " of the write-ahead log " + store.location(), head.epoch(), current.epoch());
                }
                lease.hold(current, seen.get().etag());
                head = current;
                if (current.equals(next)) {
                    return; // our own update, whose answer was lost
                }
            }
            throw new IOException("could not update the head of the write-ahead log " + store.location());
        }
    }

    /** Marks the log closed at {@code end} so the next writer need not wait for the lease; best effort. */
    void release(long end) {
        stopRenewing();
        synchronized (lock) {
            WalHead head = lease.held();
            if (head == null || !head.open()) {
                return;
            }
            try {
                lease.replace(head.released(end));
            } catch (IOException | RuntimeException e) {
                // the next writer waits for the lease to run out instead
            }
        }
    }
}

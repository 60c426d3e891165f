package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.CorruptDataException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A lease held in one object and changed only by compare-and-set on its ETag: {@code If-None-Match:
 * *} to create it, {@code If-Match} to take it over, renew it or release it. It keeps the value and
 * ETag its holder last wrote, and tells a waiter when the holder has stopped renewing.
 *
 * <p><b>Clock assumption.</b> No wall clocks are compared: a waiter counts a lease as run out only
 * after seeing the same ETag, on its own monotonic clock, for a whole lease duration (every renewal
 * changes the ETag). Clock rates must agree within the margin between renew interval and lease
 * duration.
 *
 * <p>What the value means (who holds it, its epoch, whether it is released), how long a caller
 * waits and what it does when it finds another holder is the caller's: the write-ahead log writer
 * ({@link WalLease}) blocks while it acquires, a leader-election candidate ({@link
 * S3LeaderElection}) polls on a timer.
 *
 * @param <T> the lease value
 */
final class EtagLease<T> {
    /** Reads a lease value; {@code location} names the object in errors. */
    interface Decoder<T> {
        T decode(byte[] bytes, String location) throws CorruptDataException;
    }

    /** The lease object as read: its value and ETag. */
    record Seen<T>(T value, String etag) {
        Seen {
            requireNonNull(value, "value");
            requireNonNull(etag, "etag");
        }
    }

    /**
     * What a waiter learned from one look at a lease held by another.
     *
     * @param changed the ETag differs from the one seen before (the holder renewed meanwhile)
     * @param nanosLeft how long the same ETag must still be seen before the lease counts as run out
     */
    record Observation(boolean changed, long nanosLeft) {
        boolean expired() {
            return nanosLeft <= 0;
        }
    }

    private final ObjectStore store;
    private final String key;
    private final Duration leaseDuration;
    private final Function<T, byte[]> encoder;
    private final Decoder<T> decoder;

    // guarded by this
    private T held;
    private String etag;
    private String observedEtag;
    private long observedAtNanos;

    EtagLease(ObjectStore store, String key, Duration leaseDuration, Function<T, byte[]> encoder, Decoder<T> decoder) {
        this.store = requireNonNull(store, "store");
        this.key = requireNonNull(key, "key");
        this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration");
        this.encoder = requireNonNull(encoder, "encoder");
        this.decoder = requireNonNull(decoder, "decoder");
    }

    /** The lease object's key. */
    String key() {
        return key;
    }

    /** The lease object's value and ETag, or empty if there is none. */
    Optional<Seen<T>> read() throws IOException {
        Optional<ObjectStore.Blob> blob = store.get(key);
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Seen<>(
                decoder.decode(blob.get().bytes(), store.describe(key)),
                blob.get().etag()));
    }

    /**
     * Notes that the lease, held by another, has ETag {@code seenEtag} now. The clock starts at the
     * first look and starts again whenever the ETag changes.
     */
    synchronized Observation observe(String seenEtag) {
        requireNonNull(seenEtag, "seenEtag");
        boolean changed = observedEtag != null && !observedEtag.equals(seenEtag);
        if (observedEtag == null || changed) {
            observedEtag = seenEtag;
            observedAtNanos = System.nanoTime();
        }
        return new Observation(changed, leaseDuration.toNanos() - (System.nanoTime() - observedAtNanos));
    }

    /** Forgets what was observed (the lease moved: the next look starts the clock again). */
    synchronized void forgetObserved() {
        observedEtag = null;
    }

    /**
     * Writes {@code next} over the lease as {@code seen} (or creates it if {@code seen} is null),
     * and holds it if that succeeds.
     *
     * @return the new ETag, or empty if the lease was changed (or created) by someone else first
     */
    Optional<String> take(Seen<T> seen, T next) throws IOException {
        requireNonNull(next, "next");
        byte[] bytes = encoder.apply(next);
        Optional<String> written = seen == null
                ? store.putIfAbsent(key, bytes, Map.of())
                : store.putIfMatch(key, bytes, seen.etag(), Map.of());
        written.ifPresent(e -> hold(next, e));
        return written;
    }

    /**
     * Replaces the value this holder wrote last by {@code next} (compare-and-set on its ETag).
     *
     * @return the new ETag, or empty if the lease was changed by someone else
     */
    synchronized Optional<String> replace(T next) throws IOException {
        requireNonNull(next, "next");
        Optional<String> written = store.putIfMatch(key, encoder.apply(next), etag, Map.of());
        written.ifPresent(e -> hold(next, e));
        return written;
    }

    /** Records that this holder's lease is {@code value} with {@code newEtag} (written, or read back). */
    synchronized void hold(T value, String newEtag) {
        held = requireNonNull(value, "value");
        etag = requireNonNull(newEtag, "newEtag");
    }

    /** The value this holder wrote last, or null before it held the lease. */
    synchronized T held() {
        return held;
    }
}

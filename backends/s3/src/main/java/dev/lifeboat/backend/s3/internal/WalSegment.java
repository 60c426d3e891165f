package dev.lifeboat.backend.s3.internal;

/**
 * One persisted segment.
 *
 * @param first the LSN of its first record (its name)
 * @param count its records: known (written or read), or LIST's hint until it is read
 * @param newest the newest record timestamp, or {@code Long.MIN_VALUE} if not known yet
 * @param offsets frame offsets ({@code count + 1} entries, the last is the size), or null if not known
 * @param counted whether {@code count} is known rather than a hint
 */
@SuppressWarnings("ArrayRecordComponent") // never compared or hashed: segments are found by LSN
record WalSegment(long first, String key, long count, long newest, int[] offsets, boolean counted) {
    /** A segment whose count is known if its offsets are. */
    WalSegment(long first, String key, long count, long newest, int[] offsets) {
        this(first, key, count, newest, offsets, offsets != null);
    }

    long end() {
        return first + count;
    }

    /** The segment a scan of a whole object found, with its frame offsets. */
    static WalSegment of(WalObjects.Scan scan, long first, String key) {
        return new WalSegment(first, key, scan.result().records(), scan.newest(), scan.frameOffsets());
    }
}

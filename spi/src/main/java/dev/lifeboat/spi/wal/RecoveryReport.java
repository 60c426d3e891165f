package dev.lifeboat.spi.wal;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What opening a log found. A torn tail (an incomplete record at the very end of the log, left
 * by a crash during a write that was never acknowledged) is cut off by a writer and reported
 * here; every complete record before it is kept.
 *
 * @param nextLsn the LSN the next append receives
 * @param tornTail the torn tail found, if any
 */
public record RecoveryReport(long nextLsn, Optional<TornTail> tornTail) {
    public RecoveryReport {
        requireNonNull(tornTail, "tornTail is null");
    }

    public static RecoveryReport clean(long nextLsn) {
        return new RecoveryReport(nextLsn, Optional.empty());
    }

    /**
     * An incomplete record at the end of a log.
     *
     * @param segment the segment (file or object) it was in
     * @param offset where it started in that segment
     * @param discardedBytes how many bytes were cut (a writer) or ignored (a reader)
     */
    public record TornTail(String segment, long offset, long discardedBytes) {
        public TornTail {
            requireNonNull(segment, "segment is null");
        }
    }
}

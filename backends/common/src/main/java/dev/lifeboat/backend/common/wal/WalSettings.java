package dev.lifeboat.backend.common.wal;

import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.wal.Durability;
import java.time.Duration;
import java.util.List;

/**
 * The options every write-ahead log backend accepts, with their defaults. A backend lists
 * {@link #OPTIONS} among its own and reads them with {@link #from(Options)}.
 *
 * @param durability what {@code appendAsync}/{@code write} wait for
 * @param segmentBytes a segment (file, object) is rolled once it holds this many bytes
 * @param maxRecordBytes the largest record accepted
 * @param maxBatchBytes group commit writes at most this many bytes per storage operation
 *     (a larger single record still goes alone)
 * @param batchDelay how long group commit waits for more records before writing a batch that
 *     is not full (0: write as soon as the previous batch is done)
 * @param maxInFlightBytes appenders block while this many bytes wait for storage
 * @param cutCorruptLastRecord whether a damaged complete last record is cut at open ({@link #CUT_CORRUPT_LAST_RECORD})
 */
public record WalSettings(
        Durability durability,
        long segmentBytes,
        long maxRecordBytes,
        long maxBatchBytes,
        Duration batchDelay,
        long maxInFlightBytes,
        boolean cutCorruptLastRecord) {
    public static final String DURABILITY = "durability";
    public static final String SEGMENT_BYTES = "segment-bytes";
    public static final String MAX_RECORD_BYTES = "max-record-bytes";
    public static final String MAX_BATCH_BYTES = "group-commit.max-batch-bytes";
    public static final String BATCH_DELAY = "group-commit.delay";
    public static final String MAX_IN_FLIGHT_BYTES = "group-commit.max-in-flight-bytes";
    /**
     * {@code true}: opening a log whose last record is a complete frame with damaged bytes cuts
     * that record (and reports it as a torn tail) instead of failing with corruption. An
     * operator's decision to drop a record that may have been acknowledged; off by default.
     */
    public static final String CUT_CORRUPT_LAST_RECORD = "recovery.cut-corrupt-last-record";

    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of(DURABILITY, "sync", "none | flush | sync: what appendAsync and write wait for"),
            OptionSpec.of(SEGMENT_BYTES, "64MiB", "roll to a new segment once one holds this many bytes"),
            OptionSpec.of(MAX_RECORD_BYTES, "64MiB", "the largest record accepted"),
            OptionSpec.of(MAX_BATCH_BYTES, "1MiB", "most bytes group commit writes in one storage operation"),
            OptionSpec.of(BATCH_DELAY, "0ms", "how long group commit waits to fill a batch"),
            OptionSpec.of(MAX_IN_FLIGHT_BYTES, "64MiB", "appenders block while this many bytes wait for storage"),
            OptionSpec.of(
                    CUT_CORRUPT_LAST_RECORD,
                    "false",
                    "true: a damaged complete last record is cut at open"
                            + " instead of failing with corruption (drops a record that may have been acknowledged)"));

    public WalSettings {
        if (segmentBytes < RecordFrame.HEADER_BYTES
                || maxRecordBytes < 0
                || maxRecordBytes > Integer.MAX_VALUE - 64
                || maxBatchBytes < 1
                || batchDelay.isNegative()
                || maxInFlightBytes < 1) {
            throw new IllegalArgumentException("invalid WAL settings: "
                    + segmentBytesDescription(
                            segmentBytes, maxRecordBytes, maxBatchBytes, batchDelay, maxInFlightBytes));
        }
    }

    /** The defaults of {@link #OPTIONS}. */
    public static WalSettings defaults() {
        Options o = Options.of("wal", java.util.Map.of(), OPTIONS);
        return from(o);
    }

    /** Reads the standard keys; errors are collected in {@code o} (call {@code o.validate()}). */
    public static WalSettings from(Options o) {
        Durability durability = o.enumValue(DURABILITY, Durability.class);
        long segment = o.bytes(SEGMENT_BYTES, 4096, 1L << 40);
        long maxRecord = o.bytes(MAX_RECORD_BYTES, 0, Integer.MAX_VALUE - 64);
        long maxBatch = o.bytes(MAX_BATCH_BYTES, 1, 1L << 31);
        Duration delay = o.duration(BATCH_DELAY, Duration.ZERO, Duration.ofSeconds(10));
        long inFlight = o.bytes(MAX_IN_FLIGHT_BYTES, 1, 1L << 40);
        boolean cut = o.enumValue(CUT_CORRUPT_LAST_RECORD, YesNo.class) == YesNo.TRUE;
        o.validate();
        return new WalSettings(durability, segment, maxRecord, maxBatch, delay, inFlight, cut);
    }

    private enum YesNo {
        FALSE,
        TRUE
    }

    private static String segmentBytesDescription(
            long segmentBytes, long maxRecordBytes, long maxBatchBytes, Duration batchDelay, long maxInFlightBytes) {
        return "segment-bytes=" + segmentBytes + ", max-record-bytes=" + maxRecordBytes + ", max-batch-bytes="
                + maxBatchBytes + ", delay=" + batchDelay + ", max-in-flight-bytes=" + maxInFlightBytes;
    }
}

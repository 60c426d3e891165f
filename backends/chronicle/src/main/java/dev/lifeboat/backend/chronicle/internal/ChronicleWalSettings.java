package dev.lifeboat.backend.chronicle.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * Everything a Chronicle write-ahead log is opened with.
 *
 * @param directory the queue directory (absolute)
 * @param wal the standard WAL settings
 * @param rollCycle the roll cycle a new queue is created with (an existing queue keeps its own)
 * @param blockSize Chronicle's mapping block size; a record's excerpt must fit in a quarter of it
 * @param wallClock the clock the roll cycle follows (the system clock; tests give their own)
 */
public record ChronicleWalSettings(
        Path directory, WalSettings wal, RollCycle rollCycle, long blockSize, LongSupplier wallClock) {
    public static final String SCHEME = ChronicleWalOptions.SCHEME;
    public static final String ROLL_CYCLE = ChronicleWalOptions.ROLL_CYCLE;
    public static final String BLOCK_SIZE = ChronicleWalOptions.BLOCK_SIZE;
    /** The default roll cycle: one file per UTC day. */
    public static final String DEFAULT_ROLL_CYCLE = ChronicleWalOptions.DEFAULT_ROLL_CYCLE;
    /** Chronicle's index needs this much room at the start of a block, whatever the roll cycle. */
    static final long MIN_BLOCK_SIZE = 4L << 20;

    private static final long AUTO_MIN_BLOCK_SIZE = 64L << 20;
    private static final long MAX_BLOCK_SIZE = 1L << 34;
    /** Chronicle's 4-byte excerpt header plus slack for its alignment. */
    private static final long EXCERPT_OVERHEAD = RecordFrame.HEADER_BYTES + 32L;

    /** The option keys this backend accepts. */
    public static final List<OptionSpec> OPTIONS = ChronicleWalOptions.OPTIONS;

    public ChronicleWalSettings {
        requireNonNull(directory, "directory is null");
        requireNonNull(wal, "wal is null");
        requireNonNull(rollCycle, "rollCycle is null");
        requireNonNull(wallClock, "wallClock is null");
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("directory is not absolute: " + directory);
        }
        if (blockSize < minimumBlockSize(wal.maxRecordBytes()) || Long.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a power of two of at least "
                    + minimumBlockSize(wal.maxRecordBytes()) + " for max-record-bytes " + wal.maxRecordBytes());
        }
    }

    /**
     * Parses a {@code chronicle:} URI and options, reporting every bad value at once.
     *
     * @throws IllegalArgumentException naming each bad value and what is accepted
     */
    public static ChronicleWalSettings parse(URI uri, Map<String, String> options) {
        Path directory = directory(uri);
        requireNonNull(options, "options is null");
        Options o = Options.of(SCHEME, options, OPTIONS);
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (OPTIONS.stream().noneMatch(spec -> spec.accepts(e.getKey()))) {
                o.error(
                        e.getKey(),
                        e.getValue(),
                        "is not an option of the chronicle write-ahead log; accepted: "
                                + OPTIONS.stream().map(OptionSpec::displayKey).collect(Collectors.joining(", ")));
            }
        }
        // Our keys first: WalSettings.from validates, and so reports these errors with its own.
        RollCycle cycle = rollCycle(o);
        WalSettings wal = WalSettings.from(o);
        long blockSize = blockSize(o, wal);
        o.validate();
        return new ChronicleWalSettings(directory, wal, cycle, blockSize, System::currentTimeMillis);
    }

    /** The same settings with another wall clock (tests drive roll cycles with it). */
    public ChronicleWalSettings withWallClock(LongSupplier clock) {
        return new ChronicleWalSettings(directory, wal, rollCycle, blockSize, clock);
    }

    /** The names {@value #ROLL_CYCLE} accepts, lower case with dashes, in Chronicle's order. */
    public static List<String> rollCycleNames() {
        return new ArrayList<>(rollCycles().keySet());
    }

    /** The directory a {@code chronicle:} URI names. */
    public static Path directory(URI uri) {
        requireNonNull(uri, "uri is null");
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a chronicle URI: " + uri + " (expected chronicle:///absolute/dir)");
        }
        if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw new IllegalArgumentException(
                    "chronicle URI " + uri + " must name an absolute directory:" + " chronicle:///absolute/dir");
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException("chronicle URI " + uri + " has a host '" + uri.getRawAuthority()
                    + "'; a queue is a local directory: chronicle:///absolute/dir");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "chronicle URI " + uri + " has a query or fragment; give options in the options map");
        }
        return Path.of(uri.getPath()).normalize();
    }

    /** The smallest block whose quarter holds a record of {@code maxRecordBytes} in its excerpt. */
    static long minimumBlockSize(long maxRecordBytes) {
        return Math.max(MIN_BLOCK_SIZE, 4 * (maxRecordBytes + EXCERPT_OVERHEAD));
    }

    private static RollCycle rollCycle(Options o) {
        String raw = o.raw(ROLL_CYCLE).orElse(DEFAULT_ROLL_CYCLE);
        RollCycle cycle = rollCycles().get(raw.trim().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (cycle == null) {
            o.error(ROLL_CYCLE, raw, "must be one of " + rollCycleNames());
            return RollCycles.FAST_DAILY;
        }
        return cycle;
    }

    private static long blockSize(Options o, WalSettings wal) {
        long minimum = minimumBlockSize(wal.maxRecordBytes());
        String raw = o.raw(BLOCK_SIZE).orElse("auto");
        if (raw.equalsIgnoreCase("auto")) {
            return Math.max(AUTO_MIN_BLOCK_SIZE, Long.highestOneBit(minimum - 1) << 1);
        }
        long value = o.bytes(BLOCK_SIZE, MIN_BLOCK_SIZE, MAX_BLOCK_SIZE);
        if (value < minimum || Long.bitCount(value) != 1) {
            o.error(
                    BLOCK_SIZE,
                    raw,
                    "must be auto or a power of two between " + minimum + " (4 records of "
                            + WalSettings.MAX_RECORD_BYTES + " = " + wal.maxRecordBytes() + " with their headers) and "
                            + MAX_BLOCK_SIZE);
            return Math.max(AUTO_MIN_BLOCK_SIZE, Long.highestOneBit(minimum - 1) << 1);
        }
        return value;
    }

    private static Map<String, RollCycle> rollCycles() {
        Map<String, RollCycle> all = new LinkedHashMap<>();
        List<RollCycle[]> families = List.of(
                RollCycles.values(),
                LegacyRollCycles.values(),
                LargeRollCycles.values(),
                SparseRollCycles.values(),
                TestRollCycles.values());
        for (RollCycle[] family : families) {
            for (RollCycle c : family) {
                all.putIfAbsent(((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'), c);
            }
        }
        return all;
    }
}

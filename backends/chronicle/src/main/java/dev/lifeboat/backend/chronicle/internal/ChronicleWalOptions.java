package dev.lifeboat.backend.chronicle.internal;

import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.OptionSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code chronicle:} scheme and its option keys, apart from {@link ChronicleWalSettings} so
 * that the provider (which {@link java.util.ServiceLoader} creates for every command, whatever
 * scheme it uses) loads no Chronicle class: the settings record names Chronicle's roll cycles.
 */
public final class ChronicleWalOptions {
    public static final String SCHEME = "chronicle";
    public static final String ROLL_CYCLE = "roll-cycle";
    public static final String BLOCK_SIZE = "block-size";
    /** The default roll cycle: one file per UTC day. */
    public static final String DEFAULT_ROLL_CYCLE = "fast-daily";
    /** segment-bytes by default: no early roll, a cycle file holds what its period brought. */
    private static final String DEFAULT_SEGMENT_BYTES = "1024GiB";

    /** The option keys this backend accepts. */
    public static final List<OptionSpec> OPTIONS = options();

    private ChronicleWalOptions() {}

    private static List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>();
        for (OptionSpec s : WalSettings.OPTIONS) {
            if (s.key().equals(WalSettings.SEGMENT_BYTES)) {
                specs.add(OptionSpec.of(
                        WalSettings.SEGMENT_BYTES,
                        DEFAULT_SEGMENT_BYTES,
                        "roll to the next cycle file early once the current one holds this many bytes"
                                + " (default: roll by time only)"));
            } else {
                specs.add(s);
            }
        }
        specs.add(
                OptionSpec.of(
                        ROLL_CYCLE,
                        DEFAULT_ROLL_CYCLE,
                        "Chronicle roll cycle of a new queue (minutely, hourly, fast-daily, ...); an existing queue keeps its own"));
        specs.add(OptionSpec.of(
                BLOCK_SIZE,
                "auto",
                "Chronicle mapping block size, a power of two holding 4 records of max-record-bytes; auto: the"
                        + " smallest such block of at least 64MiB"));
        return List.copyOf(specs);
    }
}

package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.OptionSpec;
import java.util.ArrayList;
import java.util.List;

/** The option keys of the Hadoop providers. */
public final class HadoopOptions {
    /** Every key {@code hadoop.<key>} is set as {@code <key>} in the Hadoop configuration. */
    public static final String HADOOP_PREFIX = "hadoop.";
    /** A directory with {@code core-site.xml} / {@code hdfs-site.xml}; default {@code $HADOOP_CONF_DIR}. */
    public static final String CONF_DIR = "conf-dir";
    /** A segment older than this is rolled at the next write. */
    public static final String ROLL_INTERVAL = "segment-roll-interval";
    /** How often the writer renews its lock. */
    public static final String HEARTBEAT_INTERVAL = "writer-lock.heartbeat-interval";
    /** How long a lock must go unrenewed before a new writer takes the log over. */
    public static final String TAKEOVER_AFTER = "writer-lock.takeover-after";
    /** How long to wait for HDFS lease recovery or truncation to finish. */
    public static final String RECOVERY_TIMEOUT = "recovery-timeout";

    /** The options every Hadoop provider accepts. */
    public static final List<OptionSpec> COMMON = List.of(
            OptionSpec.prefix(
                    HADOOP_PREFIX,
                    "hadoop.<key>=<value> sets <key> in the Hadoop configuration,"
                            + " over core-site.xml and hdfs-site.xml"),
            OptionSpec.withoutDefault(
                    CONF_DIR,
                    "a directory holding core-site.xml and hdfs-site.xml;"
                            + " default: the HADOOP_CONF_DIR environment variable"));

    /** The options of the write-ahead log providers. */
    public static final List<OptionSpec> WAL;

    static {
        List<OptionSpec> wal = new ArrayList<>(COMMON);
        wal.addAll(WalSettings.OPTIONS);
        wal.add(OptionSpec.of(
                ROLL_INTERVAL,
                "10m",
                "roll to a new segment at the first write after a segment"
                        + " has been open this long (0: roll by size only)"));
        wal.add(OptionSpec.of(HEARTBEAT_INTERVAL, "1s", "how often the writer renews its lock file"));
        wal.add(
                OptionSpec.of(
                        TAKEOVER_AFTER,
                        "10s",
                        "a new writer takes over a log whose lock has not been renewed"
                                + " for this long, recovering the old writer's leases (at least twice the heartbeat interval)"));
        wal.add(OptionSpec.of(RECOVERY_TIMEOUT, "60s", "how long to wait for HDFS lease recovery or truncation"));
        WAL = List.copyOf(wal);
    }

    private HadoopOptions() {}
}

package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What the public providers do, for one scheme and one set of required capabilities. A provider
 * declares {@code required}; every instance it opens is probed, and opening fails if the probe
 * shows the file system cannot keep them, so an instance never keeps less than its provider
 * declares.
 */
public final class Providers {
    /** The guarantees HDFS keeps for a replicated (not erasure-coded) directory. */
    public static final Set<Capability> HDFS_WAL = Set.copyOf(EnumSet.of(
            Capability.WAL_DURABLE_SYNC,
            Capability.WAL_SURVIVES_PROCESS_CRASH,
            Capability.WAL_CROSS_PROCESS_READERS,
            Capability.WAL_SINGLE_WRITER));

    public static final Set<Capability> HDFS_CHECKPOINT = Set.of(
            Capability.CHECKPOINT_CROSS_PROCESS, Capability.CHECKPOINT_EPOCH_FENCING, Capability.CHECKPOINT_DURABLE);
    public static final Set<Capability> HDFS_SHUFFLE = Set.of(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);

    /** What writers in this JVM found each file system's streams can do, for read-only views. */
    private static final Map<String, FsFeatures> PROBED = new ConcurrentHashMap<>();

    private final String scheme;
    private final Set<Capability> required;

    public Providers(String scheme, Set<Capability> required) {
        this.scheme = java.util.Objects.requireNonNull(scheme, "scheme is null");
        this.required = Set.copyOf(java.util.Objects.requireNonNull(required, "required is null"));
    }

    public String scheme() {
        return scheme;
    }

    public Set<Capability> required() {
        return required;
    }

    public WriteAheadLog openWriteAheadLog(URI uri, Map<String, String> options) throws IOException {
        Options o = Options.of(scheme, options, HadoopOptions.WAL);
        Duration roll = o.duration(HadoopOptions.ROLL_INTERVAL, Duration.ZERO, Duration.ofDays(365));
        Duration heartbeat = o.duration(HadoopOptions.HEARTBEAT_INTERVAL, Duration.ofMillis(10), Duration.ofHours(1));
        Duration takeover = o.duration(HadoopOptions.TAKEOVER_AFTER, Duration.ofMillis(20), Duration.ofDays(1));
        Duration recovery = o.duration(HadoopOptions.RECOVERY_TIMEOUT, Duration.ofSeconds(1), Duration.ofDays(1));
        if (takeover.compareTo(heartbeat.multipliedBy(2)) < 0) {
            o.error(
                    HadoopOptions.TAKEOVER_AFTER,
                    o.raw(HadoopOptions.TAKEOVER_AFTER).orElse(""),
                    "must be at least twice '" + HadoopOptions.HEARTBEAT_INTERVAL + "' (" + heartbeat + ")");
        }
        WalSettings settings = WalSettings.from(o); // validates every option
        HadoopLocation location = HadoopLocation.parse(scheme, uri, options);
        HadoopLogStorage storage = HadoopLogStorage.openWriter(location, settings, roll, heartbeat, takeover, recovery);
        try {
            Set<Capability> has = storage.features().walCapabilities();
            PROBED.put(key(location), storage.features());
            requireAll(has, "write-ahead log", uri);
            return new HadoopWriteAheadLog(storage, settings);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    public WriteAheadLogReader openWriteAheadLogReader(URI uri, Map<String, String> options) throws IOException {
        Options o = Options.of(scheme, options, HadoopOptions.WAL);
        WalSettings settings = WalSettings.from(o);
        HadoopLocation location = HadoopLocation.parse(scheme, uri, options);
        HadoopLogStorage storage = HadoopLogStorage.openReader(location, settings);
        FsFeatures known = PROBED.get(key(location));
        Set<Capability> caps = known != null ? known.walCapabilities() : required;
        return new dev.lifeboat.backend.common.wal.StorageLogReader(storage, caps);
    }

    public CheckpointStore openCheckpointStore(URI uri, Map<String, String> options) throws IOException {
        Options.of(scheme, options, HadoopOptions.COMMON).validate();
        HadoopFs fs = HadoopLocation.parse(scheme, uri, options).open();
        try {
            Set<Capability> has = HadoopCheckpointStore.capabilitiesOf(fs);
            requireAll(has, "checkpoint store", uri);
            return new HadoopCheckpointStore(fs, has);
        } catch (IOException | RuntimeException e) {
            fs.close();
            throw e;
        }
    }

    public ShuffleBlockStore openShuffleBlockStore(URI uri, Map<String, String> options) throws IOException {
        Options.of(scheme, options, HadoopOptions.COMMON).validate();
        HadoopFs fs = HadoopLocation.parse(scheme, uri, options).open();
        try {
            Set<Capability> has = HadoopShuffleBlockStore.capabilitiesOf(fs);
            requireAll(has, "shuffle block store", uri);
            return new HadoopShuffleBlockStore(fs, options, has);
        } catch (IOException | RuntimeException e) {
            fs.close();
            throw e;
        }
    }

    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new HadoopStorageFaults(HadoopLocation.parse(scheme, uri, options));
    }

    /** The option specs of a WAL provider. */
    public static java.util.List<OptionSpec> walOptions() {
        return HadoopOptions.WAL;
    }

    /** The option specs of a checkpoint or shuffle provider. */
    public static java.util.List<OptionSpec> commonOptions() {
        return HadoopOptions.COMMON;
    }

    private void requireAll(Set<Capability> has, String what, URI uri) {
        if (!has.containsAll(required)) {
            Set<Capability> missing = EnumSet.copyOf(required);
            missing.removeAll(has);
            throw new IllegalArgumentException("The " + what + " at " + uri + " cannot keep "
                    + missing.stream().map(Enum::name).sorted().collect(Collectors.joining(", "))
                    + ", which the '" + scheme + "' provider declares: its file system reports only "
                    + (has.isEmpty()
                            ? "none"
                            : has.stream().map(Enum::name).sorted().collect(Collectors.joining(", ")))
                    + (scheme.equals(HadoopLocation.HDFS_SCHEME)
                            ? ". HDFS erasure-coded directories support neither"
                                    + " hflush nor hsync: use a replicated directory, or open hadoop:" + uri
                                    + " to accept fewer guarantees"
                            : ""));
        }
    }

    private static String key(HadoopLocation location) {
        return location.fsUri().toString();
    }
}

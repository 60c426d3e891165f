package dev.lifeboat.backend.hadoop;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.hadoop.internal.HadoopLocation;
import dev.lifeboat.backend.hadoop.internal.Providers;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Write-ahead logs on HDFS, for URIs {@code hdfs://namenode:port/path}: rolling segment files,
 * flush = {@code hflush}, sync = {@code hsync}, group commit shared with every backend, one writer
 * at a time (guarded by a lock file and the HDFS lease of the open segment; a writer that died
 * holding its lease is taken over). See {@code docs/backends/hadoop.md}.
 *
 * <p>Declares {@link Capability#WAL_DURABLE_SYNC}, {@link Capability#WAL_SURVIVES_PROCESS_CRASH},
 * {@link Capability#WAL_CROSS_PROCESS_READERS} and {@link Capability#WAL_SINGLE_WRITER}; opening a
 * log whose output streams do not report {@code hflush} and {@code hsync} (an erasure-coded
 * directory) fails instead of keeping less.
 */
public final class HadoopWriteAheadLogProvider extends ProviderBase
        implements WriteAheadLogProvider, SupportsFaultInjection {
    private final Providers core;

    /** The provider {@link java.util.ServiceLoader} creates. */
    public HadoopWriteAheadLogProvider() {
        super(HadoopLocation.HDFS_SCHEME, Providers.HDFS_WAL, Providers.walOptions());
        this.core = new Providers(HadoopLocation.HDFS_SCHEME, Providers.HDFS_WAL);
    }

    @Override
    public WriteAheadLog open(URI uri, Map<String, String> options) throws IOException {
        return core.openWriteAheadLog(uri, options);
    }

    @Override
    public WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException {
        return core.openWriteAheadLogReader(uri, options);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return core.faults(uri, options);
    }
}

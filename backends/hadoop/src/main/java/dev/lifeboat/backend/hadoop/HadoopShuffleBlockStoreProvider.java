package dev.lifeboat.backend.hadoop;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.hadoop.internal.HadoopLocation;
import dev.lifeboat.backend.hadoop.internal.Providers;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Shuffle block stores on HDFS, for URIs {@code hdfs://namenode:port/path}: one data file and one
 * index per map output, ranged reads, blocks that outlive the executor that wrote them
 * ({@link Capability#SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR}). See {@code docs/backends/hadoop.md}.
 */
public final class HadoopShuffleBlockStoreProvider extends ProviderBase
        implements ShuffleBlockStoreProvider, SupportsFaultInjection {
    private final Providers core;

    /** The provider {@link java.util.ServiceLoader} creates. */
    public HadoopShuffleBlockStoreProvider() {
        super(HadoopLocation.HDFS_SCHEME, Providers.HDFS_SHUFFLE, Providers.commonOptions());
        this.core = new Providers(HadoopLocation.HDFS_SCHEME, Providers.HDFS_SHUFFLE);
    }

    @Override
    public ShuffleBlockStore open(URI uri, Map<String, String> options) throws IOException {
        return core.openShuffleBlockStore(uri, options);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return core.faults(uri, options);
    }
}

package dev.lifeboat.backend.hadoop;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.hadoop.internal.HadoopLocation;
import dev.lifeboat.backend.hadoop.internal.Providers;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Checkpoint stores on HDFS, for URIs {@code hdfs://namenode:port/path}. A commit renames the
 * attempt directory to the checkpoint directory only if that does not exist: one atomic namenode
 * operation, so put-if-absent holds across processes ({@link Capability#CHECKPOINT_CROSS_PROCESS}).
 * See {@code docs/backends/hadoop.md}.
 */
public final class HadoopCheckpointStoreProvider extends ProviderBase
        implements CheckpointStoreProvider, SupportsFaultInjection {
    private final Providers core;

    /** The provider {@link java.util.ServiceLoader} creates. */
    public HadoopCheckpointStoreProvider() {
        super(HadoopLocation.HDFS_SCHEME, Providers.HDFS_CHECKPOINT, Providers.commonOptions());
        this.core = new Providers(HadoopLocation.HDFS_SCHEME, Providers.HDFS_CHECKPOINT);
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options) throws IOException {
        return core.openCheckpointStore(uri, options);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return core.faults(uri, options);
    }
}

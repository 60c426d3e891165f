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
import java.util.Set;

/**
 * Checkpoint stores on any Hadoop file system, for URIs {@code hadoop:<Hadoop URI>}. Put-if-absent
 * holds across processes only where the file system has a namespace server that makes a rename
 * atomic (HDFS); elsewhere commits are serialised within one JVM. See {@code docs/backends/hadoop.md}.
 */
public final class HadoopFsCheckpointStoreProvider extends ProviderBase
        implements CheckpointStoreProvider, SupportsFaultInjection {
    private final Providers core;

    /**
     * The provider {@link java.util.ServiceLoader} creates: it declares only
     * {@link Capability#CHECKPOINT_DURABLE} (every Hadoop file system keeps files in storage,
     * outside the writing process), because a Hadoop file system in general guarantees nothing
     * more; each opened instance reports what its file system really offers.
     */
    public HadoopFsCheckpointStoreProvider() {
        this(Set.of(Capability.CHECKPOINT_DURABLE));
    }

    /**
     * A provider that declares {@code required} and refuses to open an instance whose file system
     * cannot keep them, for code (and compatibility tests) that depend on capabilities of one
     * particular file system.
     */
    public HadoopFsCheckpointStoreProvider(Set<Capability> required) {
        super(HadoopLocation.ANY_SCHEME, required, Providers.commonOptions());
        this.core = new Providers(HadoopLocation.ANY_SCHEME, required);
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

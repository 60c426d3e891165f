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
import java.util.Set;

/**
 * Shuffle block stores on any Hadoop file system, for URIs {@code hadoop:<Hadoop URI>}. Blocks
 * outlive their executor unless the file system is this machine's disk ({@code file:}). See
 * {@code docs/backends/hadoop.md}.
 */
public final class HadoopFsShuffleBlockStoreProvider extends ProviderBase
        implements ShuffleBlockStoreProvider, SupportsFaultInjection {
    private final Providers core;

    /**
     * The provider {@link java.util.ServiceLoader} creates: it declares no capability, because a
     * Hadoop file system in general guarantees none; each opened instance reports what its file
     * system really offers.
     */
    public HadoopFsShuffleBlockStoreProvider() {
        this(Set.of());
    }

    /**
     * A provider that declares {@code required} and refuses to open an instance whose file system
     * cannot keep them, for code (and compatibility tests) that depend on capabilities of one
     * particular file system.
     */
    public HadoopFsShuffleBlockStoreProvider(Set<Capability> required) {
        super(HadoopLocation.ANY_SCHEME, required, Providers.commonOptions());
        this.core = new Providers(HadoopLocation.ANY_SCHEME, required);
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

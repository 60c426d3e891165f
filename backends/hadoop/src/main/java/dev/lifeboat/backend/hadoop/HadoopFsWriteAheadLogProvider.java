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
import java.util.Set;

/**
 * Write-ahead logs on any Hadoop file system, for URIs {@code hadoop:<Hadoop URI>} such as
 * {@code hadoop:file:///var/lib/app/wal} or {@code hadoop:viewfs://cluster/app/wal}. What a log
 * guarantees is probed from its file system when it is opened ({@code hflush}/{@code hsync}
 * support of its streams, leases) and reported by {@code capabilities()} of the log; a
 * {@code durability} the streams cannot keep is refused at open. See {@code docs/backends/hadoop.md}.
 */
public final class HadoopFsWriteAheadLogProvider extends ProviderBase
        implements WriteAheadLogProvider, SupportsFaultInjection {
    private final Providers core;

    /**
     * The provider {@link java.util.ServiceLoader} creates: it declares no capability, because a
     * Hadoop file system in general guarantees none; each opened instance reports what its file
     * system really offers.
     */
    public HadoopFsWriteAheadLogProvider() {
        this(Set.of());
    }

    /**
     * A provider that declares {@code required} and refuses to open an instance whose file system
     * cannot keep them, for code (and compatibility tests) that depend on capabilities of one
     * particular file system.
     */
    public HadoopFsWriteAheadLogProvider(Set<Capability> required) {
        super(HadoopLocation.ANY_SCHEME, required, Providers.walOptions());
        this.core = new Providers(HadoopLocation.ANY_SCHEME, required);
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

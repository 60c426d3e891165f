package dev.lifeboat.backend.azure;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.azure.internal.AzureLogStorage;
import dev.lifeboat.backend.azure.internal.AzureSettings;
import dev.lifeboat.backend.azure.internal.AzureStorageFaults;
import dev.lifeboat.backend.azure.internal.Blobs;
import dev.lifeboat.backend.azure.internal.Providers;
import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog;
import dev.lifeboat.backend.common.wal.StorageLogReader;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Write-ahead logs on Azure append blobs ({@code azblob://account/container/prefix}): every
 * group-commit batch is one Append Block with the append-position condition, so {@code sync}
 * costs one request per batch, not per record. A newly opened writer seals the log's segments,
 * which fences the previous writer by storage at its next append. Takes the common Azure options
 * and the standard WAL options ({@code durability}, {@code segment-bytes}, {@code group-commit.*}).
 * See {@code docs/backends/azure.md}.
 */
public final class AzureWriteAheadLogProvider extends ProviderBase
        implements WriteAheadLogProvider, SupportsFaultInjection {
    /**
     * {@code WAL_SINGLE_WRITER} in its "fences the first" form: a second writer is not refused
     * while the first is open; it takes over and the first fails at its next append.
     */
    private static final Set<Capability> CAPABILITIES = Set.of(
            Capability.WAL_DURABLE_SYNC,
            Capability.WAL_SURVIVES_PROCESS_CRASH,
            Capability.WAL_SINGLE_WRITER,
            Capability.WAL_CROSS_PROCESS_READERS);

    private static final List<OptionSpec> OPTIONS;

    static {
        List<OptionSpec> all = new ArrayList<>(WalSettings.OPTIONS);
        OPTIONS = Providers.options(all);
    }

    /** For {@link java.util.ServiceLoader}. */
    public AzureWriteAheadLogProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public WriteAheadLog open(URI uri, Map<String, String> options) throws IOException {
        Parsed p = parse(uri, options);
        AzureLogStorage storage = AzureLogStorage.openWriter(Blobs.open(p.azure), p.wal);
        return new GroupCommitWriteAheadLog(storage, p.wal, CAPABILITIES, p.azure.location());
    }

    @Override
    public WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException {
        Parsed p = parse(uri, options);
        return new StorageLogReader(AzureLogStorage.openReader(Blobs.open(p.azure), p.wal), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new AzureStorageFaults(Blobs.open(parse(uri, options).azure));
    }

    private record Parsed(AzureSettings azure, WalSettings wal) {}

    private Parsed parse(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        Options o = Options.of(Providers.SCHEME, options, OPTIONS);
        AzureSettings azure = AzureSettings.from(uri, o);
        WalSettings wal = WalSettings.from(o); // validates every key read so far
        return new Parsed(azure, wal);
    }
}

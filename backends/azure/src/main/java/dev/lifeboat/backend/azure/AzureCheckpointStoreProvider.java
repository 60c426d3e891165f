package dev.lifeboat.backend.azure;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.azure.internal.AzureCheckpointStore;
import dev.lifeboat.backend.azure.internal.AzureSettings;
import dev.lifeboat.backend.azure.internal.AzureStorageFaults;
import dev.lifeboat.backend.azure.internal.Blobs;
import dev.lifeboat.backend.azure.internal.Providers;
import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checkpoint stores on Azure Blob ({@code azblob://account/container/prefix}): parts are block
 * blobs under a unique attempt prefix, and the commit publishes a manifest with
 * {@code If-None-Match: *} — atomic and put-if-absent, with no rename and no copy. Commits with an
 * epoch are fenced under a lease on an epoch blob. Takes the common Azure options. See
 * {@code docs/backends/azure.md}.
 */
public final class AzureCheckpointStoreProvider extends ProviderBase
        implements CheckpointStoreProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Set.of(
            Capability.CHECKPOINT_CROSS_PROCESS, Capability.CHECKPOINT_EPOCH_FENCING, Capability.CHECKPOINT_DURABLE);
    private static final List<OptionSpec> OPTIONS = Providers.options(List.of());

    /** For {@link java.util.ServiceLoader}. */
    public AzureCheckpointStoreProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        return new AzureCheckpointStore(Blobs.open(AzureSettings.from(uri, options)), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new AzureStorageFaults(Blobs.open(AzureSettings.from(uri, options)));
    }
}

package dev.lifeboat.backend.azure;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.azure.internal.AzureSettings;
import dev.lifeboat.backend.azure.internal.AzureShuffleBlockStore;
import dev.lifeboat.backend.azure.internal.AzureStorageFaults;
import dev.lifeboat.backend.azure.internal.Blobs;
import dev.lifeboat.backend.azure.internal.Providers;
import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shuffle block stores on Azure Blob ({@code azblob://account/container/prefix}): one block blob
 * per map output with its index, committed with {@code If-None-Match: *} so the first attempt
 * wins; blocks are read with ranged GETs and outlive the executor that wrote them. Takes the
 * common Azure options. See {@code docs/backends/azure.md}.
 */
public final class AzureShuffleBlockStoreProvider extends ProviderBase
        implements ShuffleBlockStoreProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
    private static final List<OptionSpec> OPTIONS = Providers.options(List.of());

    /** For {@link java.util.ServiceLoader}. */
    public AzureShuffleBlockStoreProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public ShuffleBlockStore open(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        return new AzureShuffleBlockStore(Blobs.open(AzureSettings.from(uri, options)), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new AzureStorageFaults(Blobs.open(AzureSettings.from(uri, options)));
    }
}

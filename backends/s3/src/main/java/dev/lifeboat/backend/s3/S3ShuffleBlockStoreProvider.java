package dev.lifeboat.backend.s3;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.s3.internal.Providers;
import dev.lifeboat.backend.s3.internal.S3Settings;
import dev.lifeboat.backend.s3.internal.S3ShuffleBlockStore;
import dev.lifeboat.backend.s3.internal.S3StorageFaults;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shuffle block stores on S3 ({@code s3://bucket/prefix}): one data object and one index object per
 * map output, a ranged GET per block; blocks outlive the executors that wrote them. Takes the
 * common S3 options. See {@code docs/backends/s3.md}.
 */
public final class S3ShuffleBlockStoreProvider extends ProviderBase
        implements ShuffleBlockStoreProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
    private static final List<OptionSpec> OPTIONS = Providers.options(List.of());

    /** For {@link java.util.ServiceLoader}. */
    public S3ShuffleBlockStoreProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public ShuffleBlockStore open(URI uri, Map<String, String> options) throws IOException {
        requireNonNull(uri, "uri is null");
        S3Settings settings = S3Settings.from(uri, options);
        return Providers.openOn(settings, store -> new S3ShuffleBlockStore(store, CAPABILITIES));
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new S3StorageFaults(S3Settings.from(uri, options));
    }
}

package dev.lifeboat.backend.s3;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.s3.internal.Providers;
import dev.lifeboat.backend.s3.internal.S3CheckpointStore;
import dev.lifeboat.backend.s3.internal.S3Settings;
import dev.lifeboat.backend.s3.internal.S3StorageFaults;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checkpoint stores on S3 ({@code s3://bucket/prefix}): parts are uploaded under a unique attempt
 * prefix, and the commit publishes a manifest with {@code If-None-Match: *} — atomic and
 * put-if-absent, with no rename and no copy. Commits with an epoch are fenced by storage: a
 * commit of an older epoch never lands after a newer epoch's first commit. Takes the common S3 options. See {@code docs/backends/s3.md}.
 */
public final class S3CheckpointStoreProvider extends ProviderBase
        implements CheckpointStoreProvider, SupportsFaultInjection {
    /**
     * Epoch fencing is enforced by S3 itself: every commit with an epoch registers with a
     * compare-and-set of one fence object, and a newer epoch's first commit decides the older
     * epoch's commits in flight with a conditional PUT at their manifest keys (see
     * {@link S3CheckpointStore}).
     */
    private static final Set<Capability> CAPABILITIES = Set.of(
            Capability.CHECKPOINT_CROSS_PROCESS, Capability.CHECKPOINT_EPOCH_FENCING, Capability.CHECKPOINT_DURABLE);

    private static final List<OptionSpec> OPTIONS = Providers.options(List.of());

    /** For {@link java.util.ServiceLoader}. */
    public S3CheckpointStoreProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options) throws IOException {
        requireNonNull(uri, "uri is null");
        S3Settings settings = S3Settings.from(uri, options);
        return Providers.openOn(settings, store -> new S3CheckpointStore(store, CAPABILITIES));
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new S3StorageFaults(S3Settings.from(uri, options));
    }
}

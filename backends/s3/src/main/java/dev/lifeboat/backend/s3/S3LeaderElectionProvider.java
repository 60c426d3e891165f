package dev.lifeboat.backend.s3;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.s3.internal.LeaseOptions;
import dev.lifeboat.backend.s3.internal.Providers;
import dev.lifeboat.backend.s3.internal.S3LeaderElection;
import dev.lifeboat.backend.s3.internal.S3Settings;
import dev.lifeboat.backend.s3.internal.S3StorageFaults;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leader election on S3 ({@code s3://bucket/prefix} is the group): a lease object changed only by
 * compare-and-set on its ETag, with a lease duration, renewals, and an epoch that only grows.
 * Clock assumption: participants' monotonic clocks run at rates within 10% of each other; no
 * wall-clock synchronisation is needed. Options: the common S3 options, {@code lease-duration}
 * (default 15s) and {@code renew-interval} (default 3s, at most a third of the lease duration).
 * See {@code docs/backends/s3.md}.
 */
public final class S3LeaderElectionProvider extends ProviderBase
        implements LeaderElectionProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES =
            Set.of(Capability.ELECTION_CROSS_PROCESS, Capability.ELECTION_DURABLE_EPOCH);
    private static final List<OptionSpec> OPTIONS = Providers.options(LeaseOptions.specs("leader"));

    /** For {@link java.util.ServiceLoader}. */
    public S3LeaderElectionProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public LeaderElection open(URI uri, Map<String, String> options) throws IOException {
        requireNonNull(uri, "uri is null");
        Options o = Options.of(Providers.SCHEME, options, OPTIONS);
        S3Settings settings = S3Settings.from(uri, o);
        LeaseOptions lease = LeaseOptions.from(o);
        o.validate();
        return Providers.openOn(
                settings,
                store -> new S3LeaderElection(
                        store, settings.location().toString(), lease.duration(), lease.renewInterval(), CAPABILITIES));
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        Options o = Options.of(Providers.SCHEME, options, OPTIONS);
        S3Settings settings = S3Settings.from(uri, o);
        o.validate();
        return new S3StorageFaults(settings);
    }
}

package dev.lifeboat.backend.azure;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.azure.internal.AzureLeaderElection;
import dev.lifeboat.backend.azure.internal.AzureSettings;
import dev.lifeboat.backend.azure.internal.AzureStorageFaults;
import dev.lifeboat.backend.azure.internal.Blobs;
import dev.lifeboat.backend.azure.internal.Providers;
import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leader election on an Azure blob lease ({@code azblob://account/container/group}): the lease
 * holder leads, and writes the next epoch into the blob with {@code If-Match} under its lease.
 * Options: the common Azure options, {@code lease-duration} (15s to 60s, whole seconds: the range
 * the service accepts) and {@code renew-interval}. See {@code docs/backends/azure.md}.
 */
public final class AzureLeaderElectionProvider extends ProviderBase
        implements LeaderElectionProvider, SupportsFaultInjection {
    public static final String LEASE_DURATION = "lease-duration";
    public static final String RENEW_INTERVAL = "renew-interval";
    private static final Set<Capability> CAPABILITIES =
            Set.of(Capability.ELECTION_CROSS_PROCESS, Capability.ELECTION_DURABLE_EPOCH);
    private static final List<OptionSpec> OPTIONS = Providers.options(List.of(
            OptionSpec.of(
                    LEASE_DURATION,
                    "15s",
                    "the blob lease a leader holds and renews (15s to 60s, whole"
                            + " seconds); a crashed leader is replaced after it"),
            OptionSpec.of(
                    RENEW_INTERVAL,
                    "3s",
                    "how often the leader renews and followers try to acquire (at most"
                            + " a third of lease-duration)")));

    /** For {@link java.util.ServiceLoader}. */
    public AzureLeaderElectionProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public LeaderElection open(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        Options o = Options.of(Providers.SCHEME, options, OPTIONS);
        AzureSettings settings = AzureSettings.from(uri, o);
        Duration lease = o.duration(LEASE_DURATION, Duration.ofSeconds(15), Duration.ofSeconds(60));
        Duration renew = o.duration(RENEW_INTERVAL, Duration.ofMillis(50), Duration.ofSeconds(20));
        if (lease.toMillis() % 1000 != 0) {
            o.error(LEASE_DURATION, o.raw(LEASE_DURATION).orElse(""), "must be whole seconds");
        }
        if (renew.multipliedBy(3).compareTo(lease) > 0) {
            o.error(
                    RENEW_INTERVAL,
                    o.raw(RENEW_INTERVAL).orElse(""),
                    "must be at most a third of " + LEASE_DURATION + " = "
                            + o.raw(LEASE_DURATION).orElse("15s"));
        }
        o.validate();
        return new AzureLeaderElection(Blobs.open(settings), uri.toString(), lease, renew, CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        Options o = Options.of(Providers.SCHEME, options, OPTIONS);
        AzureSettings settings = AzureSettings.from(uri, o);
        o.validate();
        return new AzureStorageFaults(Blobs.open(settings));
    }
}

package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.backend.azure.internal.AzureSettings;
import dev.lifeboat.spi.Lifeboat;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** URIs and options are checked at open, every bad value named, and no credential ever shown. */
class AzureOptionsTest {
    private static final String SECRET = "c2VjcmV0LWtleS1kby1ub3QtbG9n";

    @Test
    void uriNamesAccountContainerAndPrefix() {
        AzureSettings s = AzureSettings.from(
                URI.create("azblob://myaccount/my-container/apps/stream/"), Map.of("account-key", SECRET));
        assertThat(s.account()).isEqualTo("myaccount");
        assertThat(s.container()).isEqualTo("my-container");
        assertThat(s.prefix()).isEqualTo("apps/stream/");
        assertThat(s.endpointOrDefault()).isEqualTo(URI.create("https://myaccount.blob.core.windows.net"));
        assertThat(s.location()).isEqualTo("azblob://myaccount/my-container/apps/stream/");
    }

    @Test
    void badUrisAreRejectedNamingThem() {
        for (String bad : new String[] {
            "azblob://My_Account/c0ntainer/x",
            "azblob://account/UPPER/x",
            "azblob://account/",
            "azblob://account/ok-container/a/../b"
        }) {
            assertThatThrownBy(() -> AzureSettings.from(URI.create(bad), Map.of()))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void everyBadOptionIsReportedAtOnce() {
        Throwable t = catchThrowable(() -> AzureSettings.from(
                URI.create("azblob://account/container/p"),
                Map.of("call-timeout", "soon", "max-attempts", "0", "endpoint", "ftp://host")));
        assertThat(t)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("call-timeout")
                .hasMessageContaining("max-attempts")
                .hasMessageContaining("endpoint");
    }

    @Test
    void credentialsNeverAppearInMessagesOrToString() {
        AzureSettings s = AzureSettings.from(
                URI.create("azblob://account/container/p"), Map.of("sas-token", "?sv=2024&sig=" + SECRET));
        assertThat(s.toString()).doesNotContain(SECRET);
        Throwable t = catchThrowable(() -> AzureSettings.from(
                URI.create("azblob://account/container/p"),
                Map.of(
                        "account-key",
                        SECRET,
                        "sas-token",
                        "sig=" + SECRET,
                        "connection-string",
                        "AccountKey=" + SECRET)));
        assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most one");
        assertThat(t.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void noCredentialOptionMeansTheDefaultChain() {
        AzureSettings s = AzureSettings.from(URI.create("azblob://account/container/p"), Map.of());
        assertThat(s.credentials()).isInstanceOf(AzureSettings.Credentials.DefaultChain.class);
        assertThat(AzureSettings.from(URI.create("azblob://account/container/p"), Map.of("account-key", SECRET))
                        .credentials())
                .isInstanceOf(AzureSettings.Credentials.AccountKey.class);
    }

    @Test
    void everyProviderIsFoundForTheScheme() {
        URI root = URI.create("azblob://account/container/p");
        assertThat(Lifeboat.checkpointStoreProvider(root)).isInstanceOf(AzureCheckpointStoreProvider.class);
        assertThat(Lifeboat.shuffleBlockStoreProvider(root)).isInstanceOf(AzureShuffleBlockStoreProvider.class);
        assertThat(Lifeboat.leaderElectionProvider(root)).isInstanceOf(AzureLeaderElectionProvider.class);
        assertThat(Lifeboat.walProvider(root)).isInstanceOf(AzureWriteAheadLogProvider.class);
    }

    @Test
    void leaseDurationOutsideTheServicesRangeIsRejected() {
        assertThatThrownBy(() -> new AzureLeaderElectionProvider()
                        .open(URI.create("azblob://account/container/g"), Map.of("lease-duration", "5s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease-duration");
    }
}

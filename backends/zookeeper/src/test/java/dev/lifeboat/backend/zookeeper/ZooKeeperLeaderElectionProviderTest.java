package dev.lifeboat.backend.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.zookeeper.internal.ZooKeeperSettings;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.OptionSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Discovery, URI and option validation: nothing here needs a running server. */
class ZooKeeperLeaderElectionProviderTest {
    private final ZooKeeperLeaderElectionProvider provider = new ZooKeeperLeaderElectionProvider();

    @Test
    void serviceLoaderFindsTheProviderForTheZkScheme() {
        assertThat(Lifeboat.leaderElectionProvider(URI.create("zk://localhost:2181/app")))
                .isInstanceOf(ZooKeeperLeaderElectionProvider.class);
        assertThat(provider.scheme()).isEqualTo("zk");
        assertThat(provider.capabilities())
                .containsExactlyInAnyOrder(Capability.ELECTION_CROSS_PROCESS, Capability.ELECTION_DURABLE_EPOCH);
        assertThat(provider.options())
                .extracting(OptionSpec::key)
                .containsExactlyInAnyOrder(
                        "session-timeout",
                        "connection-timeout",
                        "retry.base-sleep",
                        "retry.max-retries",
                        "retry.max-sleep",
                        "namespace",
                        "acl",
                        "auth",
                        "suspended-policy",
                        "suspended-grace");
    }

    @Test
    void defaultsAndConnectString() {
        ZooKeeperSettings s = ZooKeeperSettings.parse(URI.create("zk://zk1,zk2:2182,10.0.0.3/app/driver"), Map.of());
        assertThat(s.connectString()).isEqualTo("zk1:2181,zk2:2182,10.0.0.3:2181");
        assertThat(s.groupPath()).isEqualTo("/app/driver");
        assertThat(s.group()).isEqualTo("zk://zk1,zk2:2182,10.0.0.3/app/driver");
        // java.net.URI takes an IPv6 literal only as the single server of a URI.
        assertThat(ZooKeeperSettings.parse(URI.create("zk://[::1]/app"), Map.of())
                        .connectString())
                .isEqualTo("[::1]:2181");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.connectionTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.retryBaseSleep()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.retryMaxRetries()).isEqualTo(10);
        assertThat(s.namespace()).isEmpty();
        assertThat(s.acl()).isEqualTo(ZooKeeperSettings.AclMode.OPEN);
        assertThat(s.auth()).isEmpty();
        assertThat(s.suspendedPolicy()).isEqualTo(ZooKeeperSettings.SuspendedPolicy.PAUSE);
        assertThat(s.suspendedGrace()).isZero();
        assertThat(s.absoluteGroupPath()).isEqualTo("/app/driver");
    }

    @Test
    void everyOptionIsRead() {
        ZooKeeperSettings s = ZooKeeperSettings.parse(
                URI.create("zk://zk1:2181/app"),
                Map.of(
                        "session-timeout",
                        "4s",
                        "connection-timeout",
                        "500ms",
                        "retry.base-sleep",
                        "20ms",
                        "retry.max-retries",
                        "3",
                        "retry.max-sleep",
                        "1s",
                        "namespace",
                        "apps/lb",
                        "acl",
                        "creator",
                        "auth",
                        "digest:alice:se:cret",
                        "suspended-policy",
                        "abdicate",
                        "suspended-grace",
                        "1s"));
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.connectionTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.retryBaseSleep()).isEqualTo(Duration.ofMillis(20));
        assertThat(s.retryMaxRetries()).isEqualTo(3);
        assertThat(s.retryMaxSleep()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.namespace()).contains("apps/lb");
        assertThat(s.absoluteGroupPath()).isEqualTo("/apps/lb/app");
        assertThat(s.acl()).isEqualTo(ZooKeeperSettings.AclMode.CREATOR);
        assertThat(s.auth()).contains(new ZooKeeperSettings.Auth("digest", "alice:se:cret"));
        assertThat(s.auth().orElseThrow().toString()).doesNotContain("cret");
        assertThat(s.suspendedPolicy()).isEqualTo(ZooKeeperSettings.SuspendedPolicy.ABDICATE);
        assertThat(s.suspendedGrace()).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "zk:///app                       | names no ZooKeeper server",
                "zk://zk1:2181                   | names no election group path",
                "zk://zk1:2181/                  | names no election group path",
                "zk://zk1:2181/app/              | ending with '/'",
                "zk://zk1:99999/app              | port out of range 1-65535: 99999",
                "zk://zk1:abc/app                | invalid port 'abc'",
                "zk://zk1,,zk2/app               | server '' is empty",
                "zk://zk1:2181,:2181/app         | has no host",
                "zk://bad_host!:2181/app         | invalid host name 'bad_host!'",
                "zk://user@zk1:2181/app          | must not carry user information",
                "zk://zk1:2181/app?x=1           | must not have a query",
                "zk://zk1:2181/app#frag          | must not have a fragment",
                "zk://zk1:2181/zookeeper/app     | /zookeeper is reserved",
                "zk://zk1:2181/a/../b            | relative paths not allowed",
                "zk://zk1:2181/a//b              | invalid group path",
                "hdfs://zk1:2181/app             | must have the scheme zk",
                "zk:app                          | must be hierarchical",
            })
    void badUrisAreRefusedWithTheReason(String uri, String reason) {
        assertThatThrownBy(() -> provider.open(URI.create(uri), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme 'zk'")
                .hasMessageContaining(reason);
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        assertThatThrownBy(() -> provider.open(
                        URI.create("zk://zk1:0/app"),
                        Map.of(
                                "session-timeout",
                                "soon",
                                "retry.max-retries",
                                "30",
                                "acl",
                                "world",
                                "namespace",
                                "/abs",
                                "suspended-policy",
                                "panic",
                                "retry.base-sleep",
                                "2s",
                                "retry.max-sleep",
                                "1s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port out of range")
                .hasMessageContaining("'session-timeout' = 'soon'")
                .hasMessageContaining("'retry.max-retries' = '30' must be between 0 and 29")
                .hasMessageContaining("'acl' = 'world' must be one of [open, creator]")
                .hasMessageContaining("'namespace' = '/abs' must not start or end with '/'")
                .hasMessageContaining("'suspended-policy' = 'panic' must be one of [pause, abdicate]")
                .hasMessageContaining("'retry.max-sleep' = '1s' must not be shorter than retry.base-sleep");
    }

    @Test
    void unknownOptionsAreRefusedByDiscoveryAndByTheProvider() {
        URI uri = URI.create("zk://zk1:2181/app");
        assertThatThrownBy(() -> Lifeboat.openLeaderElection(uri, Map.of("sesion-timeout", "2s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sesion-timeout'");
        assertThatThrownBy(() -> provider.open(uri, Map.of("sesion-timeout", "2s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sesion-timeout' is not an option of the zk scheme")
                .hasMessageContaining("session-timeout");
    }

    @Test
    void creatorAclNeedsAuthAndAuthIsNeverEchoed() {
        URI uri = URI.create("zk://zk1:2181/app");
        assertThatThrownBy(() -> provider.open(uri, Map.of("acl", "creator")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'acl' = 'creator' needs 'auth'");
        assertThatThrownBy(() -> provider.open(uri, Map.of("auth", "topsecretwithoutcolon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'auth' must be scheme:credentials")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void suspendedGraceGoesWithTheAbdicatePolicyOnly() {
        URI uri = URI.create("zk://zk1:2181/app");
        assertThatThrownBy(() -> provider.open(uri, Map.of("suspended-grace", "1s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'suspended-grace' = '1s' only applies with suspended-policy=abdicate");
        assertThatThrownBy(() -> provider.open(uri, Map.of("suspended-policy", "abdicate", "suspended-grace", "20s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be shorter than session-timeout (15000ms)");
    }

    @Test
    void anUnreachableEnsembleFailsOpenWithinTheConnectionTimeout() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        URI uri = URI.create("zk://127.0.0.1:" + port + "/app");
        long start = System.nanoTime();
        assertThatThrownBy(() -> provider.open(uri, Map.of("connection-timeout", "300ms")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Could not connect to ZooKeeper at 127.0.0.1:" + port)
                .hasMessageContaining("300ms (connection-timeout)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
}

package dev.lifeboat.backend.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.s3.internal.S3Location;
import dev.lifeboat.backend.s3.internal.S3Settings;
import dev.lifeboat.spi.Lifeboat;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** URIs and options, checked before anything connects. */
class S3OptionsTest {
    @Test
    void uriNamesBucketAndPrefix() {
        assertThat(S3Location.parse(URI.create("s3://my-bucket/apps/stream/wal/")))
                .isEqualTo(new S3Location("my-bucket", "apps/stream/wal"));
        S3Location root = S3Location.parse(URI.create("s3://my-bucket"));
        assertThat(root.prefix()).isEmpty();
        assertThat(root.key("wal/head")).isEqualTo("wal/head");
        assertThat(new S3Location("bkt", "p/q").key("wal/head")).isEqualTo("p/q/wal/head");
        assertThat(new S3Location("bkt", "p").toString()).isEqualTo("s3://bkt/p");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "s3:///no-bucket",
                "s3://Upper/x",
                "s3://user:pw@bucket/x",
                "s3://bucket:9000/x",
                "s3://bucket/x?region=eu",
                "s3://bucket/a//b",
                "file:///tmp/x"
            })
    void badUrisAreRejectedNamingThem(String uri) {
        assertThatThrownBy(() ->
                        Lifeboat.openCheckpointStore(URI.create(uri), Map.of()).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("pw@")
                .satisfies(e -> {
                    if (uri.startsWith("s3:") && !uri.contains("@")) {
                        assertThat(e.getMessage()).contains(uri);
                    }
                });
    }

    @Test
    void everyBadOptionIsReportedAtOnce() {
        Map<String, String> bad = Map.of(
                "api-call-timeout",
                "1s",
                "api-call-attempt-timeout",
                "5s",
                "max-attempts",
                "0",
                "multipart.part-size",
                "1MiB",
                "path-style",
                "maybe",
                "endpoint",
                "ftp://host");
        assertThatThrownBy(() -> Lifeboat.openCheckpointStore(URI.create("s3://bucket/x"), bad)
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("api-call-attempt-timeout")
                .hasMessageContaining("max-attempts")
                .hasMessageContaining("multipart.part-size")
                .hasMessageContaining("path-style")
                .hasMessageContaining("endpoint");
    }

    @Test
    void secretsAreNeverEchoed() {
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assertThatThrownBy(() -> Lifeboat.openCheckpointStore(URI.create("s3://bucket/x"), Map.of("secret-key", secret))
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access-key")
                .hasMessageNotContaining(secret);
        assertThatThrownBy(() -> Lifeboat.openCheckpointStore(
                                URI.create("s3://bucket/x"), Map.of("endpoint", "http://AKID:" + secret + "@host:9000"))
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(secret);
        S3Settings settings = S3Settings.from(
                URI.create("s3://bucket/x"),
                Map.of("access-key", "AKIDEXAMPLE", "secret-key", secret, "session-token", "token-" + secret));
        assertThat(settings.toString()).doesNotContain(secret).doesNotContain("AKIDEXAMPLE");
        assertThat(settings.credentials().orElseThrow().toString()).doesNotContain(secret);
    }

    @Test
    void defaultsAreReadable() {
        S3Settings s = S3Settings.from(URI.create("s3://bucket/x"), Map.of());
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.endpoint()).isEmpty();
        assertThat(s.credentials()).as("the SDK's default chain").isEmpty();
        assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.partSize()).isEqualTo(8L << 20);
    }

    @Test
    void leaseOptionsAreValidated() {
        assertThatThrownBy(() -> Lifeboat.openLeaderElection(
                                URI.create("s3://bucket/group"), Map.of("lease-duration", "3s", "renew-interval", "2s"))
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("renew-interval")
                .hasMessageContaining("third");
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(
                                URI.create("s3://bucket/wal"), Map.of("lease-duration", "100ms"))
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease-duration");
        assertThat(new S3LeaderElectionProvider().options())
                .anyMatch(o -> o.key().equals("lease-duration"));
        assertThat(new S3WriteAheadLogProvider().options())
                .anyMatch(o -> o.key().equals("renew-interval"));
    }
}

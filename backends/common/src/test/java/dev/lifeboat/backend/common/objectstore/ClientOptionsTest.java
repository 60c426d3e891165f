package dev.lifeboat.backend.common.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {
    private static final List<OptionSpec> SPECS = List.of(
            OptionSpec.of("call", "30s", "call deadline"),
            OptionSpec.of("try", "10s", "attempt deadline"),
            OptionSpec.of("attempts", "3", "attempts"),
            OptionSpec.of("connect", "5s", "connect timeout"),
            OptionSpec.withoutDefault("endpoint", "endpoint"));
    private static final ClientOptions.EndpointRules NO_QUERY =
            new ClientOptions.EndpointRules(false, "http://127.0.0.1:1", "key or token", "?", false);
    private static final ClientOptions.EndpointRules QUERY_OK =
            new ClientOptions.EndpointRules(true, "http://127.0.0.1:2", "access-key", "@", true);

    private static ClientOptions.Deadlines deadlines(Options o) {
        return ClientOptions.deadlines(o, "call", Duration.ofMillis(100), "try", Duration.ofSeconds(1));
    }

    @Test
    void defaultsAndValuesAreRead() {
        Options o = Options.of("x", Map.of("call", "2m", "attempts", "5"), SPECS);
        assertThat(deadlines(o)).isEqualTo(new ClientOptions.Deadlines(Duration.ofMinutes(2), Duration.ofSeconds(10)));
        assertThat(ClientOptions.maxAttempts(o, "attempts")).isEqualTo(5);
        assertThat(ClientOptions.connectTimeout(o, "connect")).isEqualTo(Duration.ofSeconds(5));
        o.validate();
    }

    @Test
    void everyBadKeyIsReportedAtOnce() {
        assertThatThrownBy(() -> ClientOptions.readValidated(
                        "x", Map.of("call", "5s", "try", "6s", "attempts", "21", "connect", "1ms"), SPECS, o -> {
                            deadlines(o);
                            ClientOptions.maxAttempts(o, "attempts");
                            return ClientOptions.connectTimeout(o, "connect");
                        }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("try")
                .hasMessageContaining("must not exceed call = 5s")
                .hasMessageContaining("attempts")
                .hasMessageContaining("connect");
    }

    @Test
    void readValidatedReturnsWhatWasRead() {
        Integer attempts = ClientOptions.readValidated(
                "x", Map.of("attempts", "1"), SPECS, o -> ClientOptions.maxAttempts(o, "attempts"));
        assertThat(attempts).isEqualTo(1);
    }

    @Test
    void anEndpointIsAnHttpUrlWithAHost() {
        Options o = Options.of("x", Map.of(), SPECS);
        assertThat(ClientOptions.endpoint(o, "endpoint", "http://127.0.0.1:10000/acct", NO_QUERY))
                .contains(URI.create("http://127.0.0.1:10000/acct"));
        assertThat(ClientOptions.endpoint(o, "endpoint", "https://h/?a=b", QUERY_OK))
                .contains(URI.create("https://h/?a=b"));
        o.validate();
    }

    @Test
    void aBadEndpointIsAnErrorThatNeverEchoesASecret() {
        Options o = Options.of("x", Map.of(), SPECS);
        assertThat(ClientOptions.endpoint(o, "endpoint", "ftp://host", NO_QUERY))
                .isEmpty();
        assertThat(ClientOptions.endpoint(o, "endpoint", "https://h/?sig=SECRET1", NO_QUERY))
                .isEmpty();
        assertThat(ClientOptions.endpoint(o, "endpoint", "http://u:SECRET2@h", QUERY_OK))
                .isEmpty();
        assertThat(ClientOptions.endpoint(o, "endpoint", "http://h a", NO_QUERY))
                .isEmpty();
        assertThat(ClientOptions.endpoint(o, "endpoint", "http://h b", QUERY_OK))
                .isEmpty();
        assertThatThrownBy(o::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://host")
                .hasMessageContaining("with a host and no query, e.g. http://127.0.0.1:1")
                .hasMessageContaining("must not carry credentials; use access-key")
                .hasMessageContaining("is not a URL")
                .hasMessageContaining("http://h b")
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("SECRET1")
                        .doesNotContain("SECRET2")
                        .as("not echoed when the rules say so")
                        .doesNotContain("http://h a"));
    }
}

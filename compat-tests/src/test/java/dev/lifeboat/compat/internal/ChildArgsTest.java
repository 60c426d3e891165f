package dev.lifeboat.compat.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildArgsTest {
    @Test
    void urisAndOptionsRoundTrip() {
        URI uri = URI.create("s3://bucket/a%20b/wal?x=1");
        assertThat(ChildArgs.decodeUri(ChildArgs.encodeUri(uri))).isEqualTo(uri);
        Map<String, String> options = new LinkedHashMap<>();
        options.put("endpoint", "http://127.0.0.1:9000/?a=b&c=d");
        options.put("secret", "with spaces and = signs");
        options.put("empty", "");
        options.put("unicode", "ünïcødé");
        String word = ChildArgs.encodeOptions(options);
        assertThat(word).doesNotContain(" ", "=", "\n");
        assertThat(ChildArgs.decodeOptions(word)).isEqualTo(options);
        assertThat(ChildArgs.decodeOptions(ChildArgs.encodeOptions(Map.of()))).isEmpty();
    }

    @Test
    void nulCharactersAreRefused() {
        assertThatThrownBy(() -> ChildArgs.encodeOptions(Map.of("k", "a\0b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k'");
    }
}

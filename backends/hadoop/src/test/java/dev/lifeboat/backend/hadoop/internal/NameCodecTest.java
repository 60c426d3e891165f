package dev.lifeboat.backend.hadoop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class NameCodecTest {
    @Test
    void encodedSegmentsRoundTripAndAreSafeHadoopNames() {
        List<String> samples = List.of(
                "offsets",
                "v-42",
                "part_3",
                "a.b",
                ".hidden",
                ".snapshot",
                "x@checkpoint",
                "a:b",
                "100%",
                "sp ace",
                "plus+sign",
                "ünïcødé",
                "日本",
                "#frag?q",
                "=",
                "~");
        for (String s : samples) {
            String e = NameCodec.encode(s);
            assertThat(NameCodec.decode(e))
                    .as("round trip of '%s' via '%s'", s, e)
                    .isEqualTo(s);
            assertThat(e)
                    .as("encoding of '%s'", s)
                    .doesNotContain("@", ":", "/", " ", "%")
                    .doesNotStartWith(".");
            assertThat(new Path(new Path("/root"), e).getName())
                    .as("a Hadoop path keeps '%s'", e)
                    .isEqualTo(e);
        }
        assertThat(NameCodec.encode("offsets")).as("plain names stay readable").isEqualTo("offsets");
    }

    @Test
    void randomSegmentsRoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + random.nextInt(20);
            for (int k = 0; k < n; k++) {
                b.append((char) (0x20 + random.nextInt(0x2000)));
            }
            String s = b.toString();
            if (Character.isSurrogate(s.charAt(s.length() - 1))) {
                continue;
            }
            assertThat(NameCodec.decode(NameCodec.encode(s))).isEqualTo(s);
        }
    }

    @Test
    void malformedEncodingsAreRejected() {
        assertThatThrownBy(() -> NameCodec.decode("ab+4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NameCodec.decode("ab+ZZ")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.lifeboat.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.wal.RecordHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void recordHandlesRoundTripThroughBytesAndOrderByLsn() {
        RecordHandle h = RecordHandle.of(1L << 40);
        assertThat(RecordHandle.fromBytes(h.toBytes())).isEqualTo(h);
        assertThat(RecordHandle.of(3)).isLessThan(RecordHandle.of(10));
        assertThatThrownBy(() -> RecordHandle.of(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> RecordHandle.fromBytes(new byte[3])).hasMessageContaining("got 3");
        byte[] future = h.toBytes();
        future[0] = 9;
        assertThatThrownBy(() -> RecordHandle.fromBytes(future)).hasMessageContaining("version 9");
    }

    @Test
    void checkpointIdsSortNaturallyAndMatchPrefixesBySegment() {
        List<CheckpointId> ids = new ArrayList<>();
        for (String s : List.of("offsets/10", "offsets/9", "offsets/100", "commits/2", "offsets/09", "offsets/a")) {
            ids.add(CheckpointId.of(s));
        }
        ids.sort(null);
        assertThat(ids.stream().map(CheckpointId::value).collect(Collectors.toList()))
                .containsExactly("commits/2", "offsets/9", "offsets/09", "offsets/10", "offsets/100", "offsets/a");
        assertThat(CheckpointId.of("offsets/3").hasPrefix("offsets")).isTrue();
        assertThat(CheckpointId.of("offsets2/3").hasPrefix("offsets")).isFalse();
        assertThat(CheckpointId.of("a/b/c").hasPrefix("")).isTrue();
        assertThat(CheckpointId.of("state", 42).value()).isEqualTo("state/42");
    }

    @Test
    void namesThatCouldEscapeTheRootAreRefused() {
        for (String bad : List.of("", "/abs", "a/../b", "a//b", "a/./b", "a/", "a\\b", "a\nb", "a\u0000b")) {
            assertThatThrownBy(() -> CheckpointId.of(bad))
                    .as(bad.replace("\n", "\\n"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("checkpoint id");
        }
        assertThatThrownBy(() -> CheckpointId.of("x".repeat(2000))).hasMessageContaining("longer than 200 bytes");
        assertThatThrownBy(() -> CheckpointId.of("é".repeat(1000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("200 bytes");
        assertThatThrownBy(() -> CheckpointId.of("a/" + "é".repeat(41)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment of 82 bytes");
        assertThat(CheckpointId.of("é".repeat(40) + "/" + "x".repeat(80) + "/" + "y".repeat(37))
                        .value())
                .hasSize(159);
        assertThatThrownBy(() -> CheckpointId.of("x\uD800"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate U+D800 at index 1");
        assertThatThrownBy(() -> CheckpointId.of("\uDC00x")).hasMessageContaining("U+DC00 at index 0");
        assertThat(CheckpointId.of("smile-\uD83D\uDE00").value()).hasSize(8);
        assertThat(CheckpointId.of("state/op-0/part-3/v-42").segments()).hasSize(4);
    }

    @Test
    void mapStatusesRoundTripAndComputeOffsets() {
        MapStatus s = new MapStatus(MapOutputId.of(1, 7, 2), "/exec-1", new long[] {5, 0, 11}, new int[] {1, 2, 3});
        assertThat(MapStatus.fromBytes(s.toBytes())).isEqualTo(s);
        assertThat(s.offset(2)).isEqualTo(5);
        assertThat(s.totalBytes()).isEqualTo(16);
        assertThatThrownBy(() -> s.length(3)).hasMessageContaining("reduce partition 3 is out of range [0, 3)");
        assertThatThrownBy(() -> new MapStatus(MapOutputId.of(1, 7, 2), "x", new long[] {1}, new int[] {}))
                .hasMessageContaining("differ in size");
        assertThatThrownBy(() -> MapStatus.fromBytes(new byte[] {1, 0})).hasMessageContaining("truncated");
    }

    @Test
    void optionsCollectEveryBadValueBeforeFailing() {
        List<OptionSpec> specs = List.of(
                OptionSpec.of("size", "1MiB", ""),
                OptionSpec.of("delay", "10ms", ""),
                OptionSpec.of("mode", "sync", ""),
                OptionSpec.withoutDefault("name", ""));
        Options ok = Options.of("x", Map.of("size", "64 KiB", "delay", "2s", "name", "n"), specs);
        assertThat(ok.bytes("size", 0, Long.MAX_VALUE)).isEqualTo(64 * 1024);
        assertThat(ok.duration("delay", Duration.ZERO, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(ok.enumValue("mode", dev.lifeboat.spi.wal.Durability.class))
                .isEqualTo(dev.lifeboat.spi.wal.Durability.SYNC);
        ok.validate();

        Options bad = Options.of("x", Map.of("size", "12 parsecs", "delay", "-1", "mode", "eventually"), specs);
        bad.bytes("size", 0, Long.MAX_VALUE);
        bad.duration("delay", Duration.ZERO, Duration.ofHours(1));
        bad.enumValue("mode", dev.lifeboat.spi.wal.Durability.class);
        bad.string("name");
        assertThatThrownBy(bad::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'size' = '12 parsecs'")
                .hasMessageContaining("'delay' = '-1'")
                .hasMessageContaining("'mode' = 'eventually' must be one of [none, flush, sync]")
                .hasMessageContaining("'name' is required");
    }
}

package dev.lifeboat.backend.common.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapOutputsTest {
    private static MapStatus status(int shuffleId, long mapId) {
        return new MapStatus(new MapOutputId(shuffleId, mapId, 0), "mem://x", new long[0], new int[0]);
    }

    @Test
    void outputsAreOrderedByShuffleThenMapNumerically() {
        List<MapStatus> all = new ArrayList<>(List.of(status(2, 1), status(1, 10), status(1, 9), status(10, 0)));
        all.sort(MapOutputs.ORDER);
        assertThat(all)
                .extracting(s -> s.id().shuffleId() + "/" + s.id().mapId())
                .containsExactly("1/9", "1/10", "2/1", "10/0");
    }

    @Test
    void openArgumentsAreChecked() {
        MapOutputs.checkOpen(new MapOutputId(0, 0, 0), 0);
        assertThatThrownBy(() -> MapOutputs.checkOpen(null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("id is null");
        assertThatThrownBy(() -> MapOutputs.checkOpen(new MapOutputId(0, 0, 0), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numPartitions is negative: -1");
    }
}

package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Map outputs larger than the block size are staged as blocks on the map output's one blob by
 * every attempt at once; the first block-list commit wins and discards the others' staged blocks,
 * and a later attempt's commit returns the winner's status. The kit's outputs fit in one block, so
 * this path is tested here with a small block size.
 */
class AzureShuffleStagedBlocksTest {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    @Test
    void interleavedAttemptsStagingBlocksHaveOneWinner() throws Exception {
        Map<String, String> options = new java.util.HashMap<>(AZURITE.options());
        options.put("block-size", "64KiB");
        byte[][] first = {random(1, 150_000), random(2, 70_000)};
        byte[][] second = {random(3, 200_000), random(4, 10)};
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(AZURITE.newRoot(), options)) {
            MapOutputWriter a = store.openMapOutput(MapOutputId.of(1, 0, 0), 2);
            MapOutputWriter b = store.openMapOutput(MapOutputId.of(1, 0, 1), 2);
            a.writePartition(0, first[0]);
            b.writePartition(0, second[0]);
            a.writePartition(1, first[1]);
            b.writePartition(1, second[1]);
            MapStatus winner = b.commit();
            MapStatus loser = a.commit();
            a.close();
            b.close();
            assertThat(winner.id().attempt()).isEqualTo(1);
            assertThat(loser).isEqualTo(winner);
            assertThat(store.readBlock(winner, 0)).isEqualTo(second[0]);
            assertThat(store.readBlock(winner, 1)).isEqualTo(second[1]);
            assertThat(store.committedMapOutputs()).containsExactly(winner);
        }
    }

    private static byte[] random(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return Arrays.copyOf(b, length);
    }
}

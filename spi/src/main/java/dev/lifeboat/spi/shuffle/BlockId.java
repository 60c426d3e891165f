package dev.lifeboat.spi.shuffle;

/**
 * The block of one reduce partition in one map output.
 */
public record BlockId(int shuffleId, long mapId, int reduceId) {
    public BlockId {
        if (shuffleId < 0 || mapId < 0 || reduceId < 0) {
            throw new IllegalArgumentException(
                    "negative id in block (shuffle " + shuffleId + ", map " + mapId + ", reduce " + reduceId + ")");
        }
    }

    public static BlockId of(int shuffleId, long mapId, int reduceId) {
        return new BlockId(shuffleId, mapId, reduceId);
    }

    @Override
    public String toString() {
        return "shuffle_" + shuffleId + "_" + mapId + "_" + reduceId;
    }
}

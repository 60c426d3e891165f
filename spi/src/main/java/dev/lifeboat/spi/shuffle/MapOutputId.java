package dev.lifeboat.spi.shuffle;

/**
 * One attempt of one map task of a shuffle.
 *
 * @param shuffleId the shuffle, {@code >= 0}
 * @param mapId the map task (partition of the map side), {@code >= 0}
 * @param attempt the attempt number of that task, {@code >= 0}
 */
public record MapOutputId(int shuffleId, long mapId, int attempt) {
    public MapOutputId {
        if (shuffleId < 0 || mapId < 0 || attempt < 0) {
            throw new IllegalArgumentException("negative id in map output (shuffle " + shuffleId + ", map " + mapId
                    + ", attempt " + attempt + ")");
        }
    }

    public static MapOutputId of(int shuffleId, long mapId, int attempt) {
        return new MapOutputId(shuffleId, mapId, attempt);
    }

    @Override
    public String toString() {
        return "shuffle_" + shuffleId + "_" + mapId + "#" + attempt;
    }
}

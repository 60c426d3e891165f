package dev.lifeboat.backend.common.shuffle;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.Comparator;

/** What every shuffle block store checks and orders the same way, whatever it stores. */
public final class MapOutputs {
    /** The order of {@code committedMapOutputs()}: by shuffle id, then by map id. */
    public static final Comparator<MapStatus> ORDER =
            Comparator.comparingInt((MapStatus s) -> s.id().shuffleId()).thenComparingLong(s -> s.id().mapId());

    private MapOutputs() {}

    /**
     * Checks the arguments of {@code openMapOutput} before a store touches its storage.
     *
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if {@code numPartitions} is negative
     */
    public static void checkOpen(MapOutputId id, int numPartitions) {
        requireNonNull(id, "id is null");
        if (numPartitions < 0) {
            throw new IllegalArgumentException("numPartitions is negative: " + numPartitions);
        }
    }

    /**
     * Checks the argument of {@code removeShuffle} before a store touches its storage.
     *
     * @throws IllegalArgumentException if {@code shuffleId} is negative
     */
    public static void checkShuffleId(int shuffleId) {
        if (shuffleId < 0) {
            throw new IllegalArgumentException("shuffleId is negative: " + shuffleId);
        }
    }
}

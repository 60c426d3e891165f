package dev.lifeboat.runtime.internal.lineage;

/** Sends a key to partition {@code hashCode mod numPartitions}; null keys go to partition 0. */
public record HashPartitioner(int numPartitions) {
    public HashPartitioner {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("number of partitions must be at least 1, not " + numPartitions);
        }
    }

    public int partition(Object key) {
        return key == null ? 0 : Math.floorMod(key.hashCode(), numPartitions);
    }
}

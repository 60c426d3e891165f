package dev.lifeboat.runtime.internal.lineage;

import static java.util.Objects.requireNonNull;

/**
 * A shuffle: every partition of the child reads a block from every partition of the parent. The
 * parent's records are {@code Pair}s, partitioned by key; {@code aggregator} combines values of a
 * key, on the map side too when {@code mapSideCombine}.
 */
public record ShuffleDependency(
        Node parent, int shuffleId, HashPartitioner partitioner, Aggregator aggregator, boolean mapSideCombine)
        implements Dependency {
    public ShuffleDependency {
        requireNonNull(parent, "parent is null");
        requireNonNull(partitioner, "partitioner is null");
        requireNonNull(aggregator, "aggregator is null");
        if (shuffleId < 0) {
            throw new IllegalArgumentException("negative shuffle id " + shuffleId);
        }
    }
}

package dev.lifeboat.runtime.internal.lineage;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/**
 * Child partitions {@code [offset, offset + length)} are parent partitions {@code [0, length)}, one
 * to one. {@code map} and friends use offset 0; a union places each parent at its own offset.
 */
public record NarrowDependency(Node parent, int offset, int length) implements Dependency {
    public NarrowDependency {
        requireNonNull(parent, "parent is null");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or length " + length);
        }
    }

    public static NarrowDependency oneToOne(Node parent) {
        return new NarrowDependency(parent, 0, parent.numPartitions());
    }

    /** The parent partition that child partition {@code partition} reads, if it reads this parent. */
    public OptionalInt parentPartition(int partition) {
        return partition >= offset && partition < offset + length
                ? OptionalInt.of(partition - offset)
                : OptionalInt.empty();
    }
}

package dev.lifeboat.spi.checkpoint;

import dev.lifeboat.spi.Names;
import java.util.List;

/**
 * The name of a checkpoint: {@code /}-separated segments such as {@code rdd-17} or
 * {@code state/op-0/part-3/v-42}, validated by {@link Names#validate}.
 *
 * <p>Ids sort segment by segment; within a segment, runs of digits compare as numbers, so
 * {@code offsets/9} sorts before {@code offsets/10}.
 */
public record CheckpointId(String value) implements Comparable<CheckpointId> {
    public CheckpointId {
        Names.validate("checkpoint id", value);
    }

    public static CheckpointId of(String value) {
        return new CheckpointId(value);
    }

    /** {@code prefix + "/" + n}: a convenience for numbered checkpoints such as batch ids. */
    public static CheckpointId of(String prefix, long n) {
        return new CheckpointId(prefix + "/" + n);
    }

    public List<String> segments() {
        return List.of(value.split("/"));
    }

    /** The last segment. */
    public String name() {
        int slash = value.lastIndexOf('/');
        return slash < 0 ? value : value.substring(slash + 1);
    }

    /**
     * Whether this id lies under {@code prefix}: equal segments up to the prefix's length. The
     * empty prefix matches every id; {@code offsets} matches {@code offsets/3} but not
     * {@code offsets2/3}.
     */
    public boolean hasPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return true;
        }
        return value.equals(prefix) || value.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
    }

    @Override
    public int compareTo(CheckpointId other) {
        return NaturalOrder.compare(value, other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

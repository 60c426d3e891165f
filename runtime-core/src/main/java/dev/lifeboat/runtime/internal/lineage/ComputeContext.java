package dev.lifeboat.runtime.internal.lineage;

import java.util.Iterator;
import java.util.List;

/** What a node needs from the task that computes it. Implemented by the executor. */
public interface ComputeContext {
    /**
     * The records of reduce partition {@code reduceId} from every map output of a shuffle, as
     * written (combined on the map side when the shuffle does that).
     *
     * @throws RuntimeException a fetch failure when map outputs are missing or damaged
     */
    List<Object> fetchShuffle(ShuffleDependency dependency, int reduceId);

    /** Reads a partition of a node whose checkpoint is done. */
    Iterator<Object> readCheckpoint(Node node, int partition);

    /** Keeps a computed partition as a block on this executor, for a pending checkpoint. */
    Iterator<Object> materialise(Node node, int partition, Iterator<Object> records);
}

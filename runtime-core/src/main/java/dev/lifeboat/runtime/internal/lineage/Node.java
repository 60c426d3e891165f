package dev.lifeboat.runtime.internal.lineage;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One dataset in the lineage graph: its parents (as dependencies), how to compute a partition
 * from them, and its checkpoint state. Immutable except for the checkpoint state, which moves
 * from none to pending (marked) to done; once done, the dependencies are cut and partitions are
 * read from the checkpoint instead of computed.
 */
public abstract class Node {
    private final int id;
    private final String operation;
    private final String callSite;
    private final List<Dependency> dependencies;
    private volatile CheckpointState checkpoint = new CheckpointState.None();

    protected Node(int id, String operation, String callSite, List<Dependency> dependencies) {
        this.id = id;
        this.operation = requireNonNull(operation, "operation is null");
        this.callSite = requireNonNull(callSite, "callSite is null");
        this.dependencies = List.copyOf(dependencies);
    }

    public final int id() {
        return id;
    }

    /** The user operation that made it: {@code map}, {@code reduceByKey}, ... */
    public final String operation() {
        return operation;
    }

    /** Where in user code it was made, {@code File.java:42}. */
    public final String callSite() {
        return callSite;
    }

    public abstract int numPartitions();

    /** How records are partitioned by key, when known. */
    public Optional<HashPartitioner> partitioner() {
        return Optional.empty();
    }

    /** The dependencies the scheduler follows: none once a checkpoint cut the lineage. */
    public final List<Dependency> dependencies() {
        return checkpoint.isDone() ? List.of() : dependencies;
    }

    /** The dependencies this node was built with, checkpoint or not. */
    public final List<Dependency> lineageDependencies() {
        return dependencies;
    }

    public final CheckpointState checkpointState() {
        return checkpoint;
    }

    public final void setCheckpointState(CheckpointState state) {
        this.checkpoint = requireNonNull(state, "state is null");
    }

    /**
     * The records of one partition: read from the checkpoint when there is one, otherwise
     * computed, and kept as a block on the executor when a checkpoint is pending.
     */
    public final Iterator<Object> iterator(int partition, ComputeContext ctx) {
        CheckpointState state = checkpoint;
        if (state.isDone()) {
            return ctx.readCheckpoint(this, partition);
        }
        Iterator<Object> records = compute(partition, ctx);
        return state instanceof CheckpointState.Pending ? ctx.materialise(this, partition, records) : records;
    }

    /** Computes one partition from the parents. */
    protected abstract Iterator<Object> compute(int partition, ComputeContext ctx);

    /** {@code MapPartitionsDataset[3] map at File.java:42}. */
    public final String describe() {
        return getClass().getSimpleName().replace("Node", "Dataset") + "[" + id + "] " + operation + " at " + callSite;
    }

    @Override
    public String toString() {
        return describe();
    }
}

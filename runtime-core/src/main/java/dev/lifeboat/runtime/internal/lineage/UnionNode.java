package dev.lifeboat.runtime.internal.lineage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;

/** The partitions of its parents one after the other; no shuffle. */
public final class UnionNode extends Node {
    private final int numPartitions;

    public UnionNode(int id, String operation, String callSite, List<Node> parents) {
        super(id, operation, callSite, dependencies(parents));
        this.numPartitions = parents.stream().mapToInt(Node::numPartitions).sum();
    }

    private static List<Dependency> dependencies(List<Node> parents) {
        List<Dependency> deps = new ArrayList<>();
        int offset = 0;
        for (Node parent : parents) {
            deps.add(new NarrowDependency(parent, offset, parent.numPartitions()));
            offset += parent.numPartitions();
        }
        return deps;
    }

    @Override
    public int numPartitions() {
        return numPartitions;
    }

    @Override
    protected Iterator<Object> compute(int partition, ComputeContext ctx) {
        for (Dependency d : lineageDependencies()) {
            NarrowDependency dep = (NarrowDependency) d;
            OptionalInt parentPartition = dep.parentPartition(partition);
            if (parentPartition.isPresent()) {
                return dep.parent().iterator(parentPartition.getAsInt(), ctx);
            }
        }
        throw new IllegalArgumentException("partition " + partition + " is out of range [0, " + numPartitions + ")");
    }
}

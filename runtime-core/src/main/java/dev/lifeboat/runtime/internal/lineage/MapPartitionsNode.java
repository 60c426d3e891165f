package dev.lifeboat.runtime.internal.lineage;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/** A function of each parent partition: {@code map}, {@code filter}, {@code flatMap}, {@code mapPartitions}. */
public final class MapPartitionsNode extends Node {
    private final Node parent;
    private final Function<Iterator<Object>, Iterator<Object>> function;

    public MapPartitionsNode(
            int id,
            String operation,
            String callSite,
            Node parent,
            Function<Iterator<Object>, Iterator<Object>> function) {
        super(id, operation, callSite, List.of(NarrowDependency.oneToOne(parent)));
        this.parent = parent;
        this.function = requireNonNull(function, "function is null");
    }

    @Override
    public int numPartitions() {
        return parent.numPartitions();
    }

    @Override
    protected Iterator<Object> compute(int partition, ComputeContext ctx) {
        Iterator<Object> result = function.apply(parent.iterator(partition, ctx));
        if (result == null) {
            throw new NullPointerException(operation() + " at " + callSite() + " returned a null iterator");
        }
        return result;
    }
}

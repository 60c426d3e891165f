package dev.lifeboat.runtime.internal.lineage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A list from the driver, cut into slices: {@code parallelize}. */
public final class CollectionNode extends Node {
    private final List<List<Object>> slices;

    public CollectionNode(int id, String callSite, List<?> data, int numSlices) {
        super(id, "parallelize", callSite, List.of());
        if (numSlices < 1) {
            throw new IllegalArgumentException("number of slices must be at least 1, not " + numSlices);
        }
        List<Object> copy = new ArrayList<>(data);
        List<List<Object>> s = new ArrayList<>(numSlices);
        for (int i = 0; i < numSlices; i++) {
            int from = (int) ((long) i * copy.size() / numSlices);
            int to = (int) ((long) (i + 1) * copy.size() / numSlices);
            s.add(Collections.unmodifiableList(copy.subList(from, to)));
        }
        this.slices = List.copyOf(s);
    }

    @Override
    public int numPartitions() {
        return slices.size();
    }

    @Override
    protected Iterator<Object> compute(int partition, ComputeContext ctx) {
        return slices.get(partition).iterator();
    }
}

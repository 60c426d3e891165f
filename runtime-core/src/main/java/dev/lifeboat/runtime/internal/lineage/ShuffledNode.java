package dev.lifeboat.runtime.internal.lineage;

import dev.lifeboat.runtime.Pair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reduce side of a shuffle: reads its partition's block from every map output and combines
 * the values of each key with the shuffle's aggregator. Keys come out in the order first seen.
 */
public final class ShuffledNode extends Node {
    private final ShuffleDependency dependency;

    public ShuffledNode(int id, String operation, String callSite, ShuffleDependency dependency) {
        super(id, operation, callSite, List.of(dependency));
        this.dependency = dependency;
    }

    public ShuffleDependency shuffleDependency() {
        return dependency;
    }

    @Override
    public int numPartitions() {
        return dependency.partitioner().numPartitions();
    }

    @Override
    public Optional<HashPartitioner> partitioner() {
        return Optional.of(dependency.partitioner());
    }

    @Override
    protected Iterator<Object> compute(int partition, ComputeContext ctx) {
        Aggregator agg = dependency.aggregator();
        Map<Object, Object> combined = new LinkedHashMap<>();
        for (Object record : ctx.fetchShuffle(dependency, partition)) {
            Pair<?, ?> pair = (Pair<?, ?>) record;
            Object key = pair.key();
            if (!combined.containsKey(key)) {
                combined.put(
                        key,
                        dependency.mapSideCombine()
                                ? pair.value()
                                : agg.createCombiner().apply(pair.value()));
            } else if (dependency.mapSideCombine()) {
                combined.put(key, agg.mergeCombiners().apply(combined.get(key), pair.value()));
            } else {
                combined.put(key, agg.mergeValue().apply(combined.get(key), pair.value()));
            }
        }
        List<Object> out = new ArrayList<>(combined.size());
        combined.forEach((k, v) -> out.add(Pair.of(k, v)));
        return out.iterator();
    }
}

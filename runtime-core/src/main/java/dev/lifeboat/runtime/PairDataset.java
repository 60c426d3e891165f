package dev.lifeboat.runtime;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.internal.lineage.Aggregator;
import dev.lifeboat.runtime.internal.lineage.HashPartitioner;
import dev.lifeboat.runtime.internal.lineage.Iterators;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import dev.lifeboat.runtime.internal.lineage.ShuffledNode;
import dev.lifeboat.runtime.internal.lineage.UnionNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * A dataset of key-value {@link Pair}s, with the operations that shuffle by key. A shuffle is a
 * stage boundary: the records are partitioned by the hash of their key, written through the
 * shuffle block store (serialised, and compressed with zstd unless
 * {@code lifeboat.shuffle.compress} is false) and read by the next stage.
 *
 * @param <K> the key type; keys need a stable {@code hashCode} and {@code equals}
 * @param <V> the value type
 */
public final class PairDataset<K, V> extends Dataset<Pair<K, V>> {
    PairDataset(Engine engine, Node node) {
        super(engine, node);
    }

    /** A dataset of pairs, viewed as a {@code PairDataset}. */
    public static <K, V> PairDataset<K, V> from(Dataset<Pair<K, V>> dataset) {
        requireNonNull(dataset, "dataset is null");
        return dataset instanceof PairDataset<K, V> pairs ? pairs : new PairDataset<>(dataset.engine, dataset.node);
    }

    /** Combines the values of each key with an associative function, on the map side first; as many partitions as this dataset. */
    public PairDataset<K, V> reduceByKey(BinaryOperator<V> f) {
        return reduceByKey(f, numPartitions());
    }

    /** Combines the values of each key with an associative function, into {@code numPartitions} partitions. */
    public PairDataset<K, V> reduceByKey(BinaryOperator<V> f, int numPartitions) {
        requireNonNull(f, "f is null");
        BinaryOperator<Object> merge = cast(f);
        return shuffle("reduceByKey", node, numPartitions, new Aggregator(v -> v, merge, merge), true);
    }

    /** The values of each key, as a list; as many partitions as this dataset. */
    public PairDataset<K, List<V>> groupByKey() {
        return groupByKey(numPartitions());
    }

    /** The values of each key, as a list (in no particular order), in {@code numPartitions} partitions. */
    public PairDataset<K, List<V>> groupByKey(int numPartitions) {
        return shuffle("groupByKey", node, numPartitions, listAggregator(), false);
    }

    /** Applies {@code f} to each value; keys stay. */
    public <W> PairDataset<K, W> mapValues(Function<? super V, ? extends W> f) {
        requireNonNull(f, "f is null");
        return new PairDataset<>(
                engine,
                mapNode(
                        "mapValues",
                        (Iterator<Pair<K, V>> in) -> Iterators.map(in, p -> Pair.of(p.key(), f.apply(p.value())))));
    }

    /** Every pair of values of keys in both datasets (an inner join); as many partitions as the larger input. */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other) {
        return join(other, Math.max(numPartitions(), other.numPartitions()));
    }

    /**
     * Every pair of values of keys in both datasets (an inner join), in {@code numPartitions}
     * partitions. Both sides are tagged, unioned and shuffled together once, then each key's
     * values are paired up.
     */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other, int numPartitions) {
        requireNonNull(other, "other is null");
        checkSameEngine(other);
        Node left = mapNode(
                "join (tag left)",
                (Iterator<Pair<K, V>> in) -> Iterators.map(in, p -> Pair.of(p.key(), Pair.of(0, p.value()))));
        Node right = other.mapNode(
                "join (tag right)",
                (Iterator<Pair<K, W>> in) -> Iterators.map(in, p -> Pair.of(p.key(), Pair.of(1, p.value()))));
        Node union = new UnionNode(engine.nextDatasetId(), "join (union)", Engine.callSite(), List.of(left, right));
        PairDataset<K, List<Pair<Integer, Object>>> grouped =
                shuffle("join (cogroup)", union, numPartitions, listAggregator(), false);
        return new PairDataset<>(
                engine,
                grouped.mapNode(
                        "join",
                        (Iterator<Pair<K, List<Pair<Integer, Object>>>> in) ->
                                Iterators.flatMap(in, PairDataset::pairUp)));
    }

    /** Every pair, as a map (for a key that occurs more than once, one of its values). */
    public Map<K, V> collectAsMap() {
        Map<K, V> map = new LinkedHashMap<>();
        for (Pair<K, V> p : collect()) {
            map.put(p.key(), p.value());
        }
        return map;
    }

    @Override
    public PairDataset<K, V> checkpoint() {
        super.checkpoint();
        return this;
    }

    @Override
    public PairDataset<K, V> checkpoint(String name) {
        super.checkpoint(name);
        return this;
    }

    @Override
    public PairDataset<K, V> localCheckpoint() {
        super.localCheckpoint();
        return this;
    }

    // ------------------------------------------------------------------------------ helpers

    private <K2, V2> PairDataset<K2, V2> shuffle(
            String operation, Node parent, int numPartitions, Aggregator aggregator, boolean mapSideCombine) {
        ShuffleDependency dep = new ShuffleDependency(
                parent, engine.nextShuffleId(), new HashPartitioner(numPartitions), aggregator, mapSideCombine);
        return new PairDataset<>(engine, new ShuffledNode(engine.nextDatasetId(), operation, Engine.callSite(), dep));
    }

    private static Aggregator listAggregator() {
        return new Aggregator(
                v -> {
                    List<Object> list = new ArrayList<>();
                    list.add(v);
                    return list;
                },
                (list, v) -> {
                    List<Object> l = cast(list);
                    l.add(v);
                    return l;
                },
                (a, b) -> {
                    List<Object> l = new ArrayList<>(cast(a));
                    l.addAll(cast(b));
                    return l;
                });
    }

    private static <K, V, W> List<Pair<K, Pair<V, W>>> pairUp(Pair<K, List<Pair<Integer, Object>>> group) {
        List<V> lefts = new ArrayList<>();
        List<W> rights = new ArrayList<>();
        for (Pair<Integer, Object> tagged : group.value()) {
            if (tagged.key() == 0) {
                lefts.add(cast(tagged.value()));
            } else {
                rights.add(cast(tagged.value()));
            }
        }
        List<Pair<K, Pair<V, W>>> out = new ArrayList<>(lefts.size() * rights.size());
        for (V v : lefts) {
            for (W w : rights) {
                out.add(Pair.of(group.key(), Pair.of(v, w)));
            }
        }
        return out;
    }
}

package dev.lifeboat.runtime.internal.executor;

import dev.lifeboat.runtime.Pair;
import dev.lifeboat.runtime.internal.lineage.Aggregator;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The map side of a shuffle: partitions the records by key (combining values of a key first when
 * the shuffle does that), and writes one map output with a block per reduce partition. The map id
 * is the task id, so every attempt writes its own output and the driver picks the one it uses.
 */
final class ShuffleWriter {
    private ShuffleWriter() {}

    static MapStatus write(ShuffleDependency dep, Iterator<Object> records, TaskContextImpl ctx) throws IOException {
        int n = dep.partitioner().numPartitions();
        Aggregator agg = dep.aggregator();
        List<Map<Object, Object>> combined = new ArrayList<>();
        List<List<Object>> plain = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            combined.add(new LinkedHashMap<>());
            plain.add(new ArrayList<>());
        }
        while (records.hasNext()) {
            Object record = records.next();
            if (!(record instanceof Pair<?, ?> pair)) {
                throw new IllegalArgumentException(
                        "shuffle " + dep.shuffleId() + " needs Pair records (key, value), not "
                                + (record == null ? "null" : record.getClass().getName()) + "; use mapToPair first");
            }
            int r = dep.partitioner().partition(pair.key());
            if (dep.mapSideCombine()) {
                Map<Object, Object> bucket = combined.get(r);
                Object key = pair.key();
                bucket.put(
                        key,
                        bucket.containsKey(key)
                                ? agg.mergeValue().apply(bucket.get(key), pair.value())
                                : agg.createCombiner().apply(pair.value()));
            } else {
                plain.get(r).add(pair);
            }
        }
        MapOutputId id =
                MapOutputId.of(dep.shuffleId(), ctx.info().taskId(), ctx.info().attempt());
        Executor executor = ctx.executor();
        executor.wroteShuffle(dep.shuffleId());
        try (MapOutputWriter writer = executor.shuffleStore().openMapOutput(id, n)) {
            for (int r = 0; r < n; r++) {
                Iterator<?> bucket = dep.mapSideCombine()
                        ? combined.get(r).entrySet().stream()
                                .map(e -> Pair.of(e.getKey(), e.getValue()))
                                .iterator()
                        : plain.get(r).iterator();
                writer.writePartition(r, executor.env().shuffleCodec().encode(bucket));
            }
            return writer.commit();
        }
    }
}

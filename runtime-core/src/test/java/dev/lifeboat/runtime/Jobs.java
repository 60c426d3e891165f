package dev.lifeboat.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The small jobs the recovery tests run, with the answers they must give whatever fails. */
final class Jobs {
    static final int MAP_PARTITIONS = 8;
    static final int REDUCE_PARTITIONS = 4;
    static final List<Integer> NUMBERS = IntStream.range(0, 1000).boxed().toList();

    private Jobs() {}

    /**
     * Stage 0 (map, 8 partitions) and stage 1 (reduce, 4 partitions) in a fresh engine: every map
     * output has a non-empty block for every reducer.
     */
    static PairDataset<Integer, Integer> countByRemainder(Engine engine) {
        return engine.parallelize(NUMBERS, MAP_PARTITIONS)
                .mapToPair(x -> Pair.of(x % 50, 1))
                .reduceByKey(Integer::sum, REDUCE_PARTITIONS);
    }

    static Map<Integer, Integer> expectedCountByRemainder() {
        Map<Integer, Integer> expected = new HashMap<>();
        for (int k = 0; k < 50; k++) {
            expected.put(k, 20);
        }
        return expected;
    }
}

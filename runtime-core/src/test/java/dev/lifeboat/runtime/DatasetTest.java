package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.event.EngineEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The dataset operations and actions, on one engine with the local backends. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetTest {
    private Path dir;
    private final EventLog log = new EventLog();
    private Engine engine;

    record Sale(String shop, long cents) {}

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        engine = TestEngines.start(TestEngines.config(dir), log);
    }

    @AfterAll
    void stop() throws Exception {
        engine.close();
    }

    @Test
    void narrowTransformationsKeepPartitionOrder() {
        Dataset<Integer> numbers =
                engine.parallelize(IntStream.range(0, 20).boxed().toList(), 3);

        assertThat(numbers.numPartitions()).isEqualTo(3);
        assertThat(numbers.map(x -> x * 10).filter(x -> x % 20 == 0).collect())
                .containsExactly(0, 20, 40, 60, 80, 100, 120, 140, 160, 180);
        assertThat(numbers.filter(x -> x < 3).flatMap(x -> List.of(x, x)).collect())
                .containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(numbers.mapPartitions((Iterator<Integer> in) -> {
                            int sum = 0;
                            while (in.hasNext()) {
                                sum += in.next();
                            }
                            return List.of(sum).iterator();
                        })
                        .collect())
                .hasSize(3)
                .containsExactly(0 + 1 + 2 + 3 + 4 + 5, 6 + 7 + 8 + 9 + 10 + 11 + 12, 13 + 14 + 15 + 16 + 17 + 18 + 19);
        Dataset<Integer> union = numbers.filter(x -> x < 2).union(engine.parallelize(List.of(100, 101), 2));
        assertThat(union.numPartitions()).isEqualTo(5);
        assertThat(union.collect()).containsExactly(0, 1, 100, 101);
    }

    @Test
    void countReduceAndForeachPartition() {
        Dataset<Integer> numbers =
                engine.parallelize(IntStream.rangeClosed(1, 100).boxed().toList(), 7);

        assertThat(numbers.count()).isEqualTo(100);
        assertThat(numbers.reduce(Integer::sum)).contains(5050);
        assertThat(numbers.filter(x -> x > 1000).reduce(Integer::sum)).isEmpty();
        assertThat(engine.parallelize(List.<Integer>of(), 3).count()).isZero();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        numbers.foreachPartition(in -> threads.add(Thread.currentThread().getName()));
        assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("lifeboat-executor-"));
    }

    @Test
    void shuffleOperations() {
        PairDataset<String, Integer> sales = engine.parallelize(List.of("a:1", "b:2", "a:3", "c:4", "b:5", "a:6"), 3)
                .mapToPair(s -> Pair.of(s.split(":", -1)[0], Integer.parseInt(s.split(":", -1)[1])));

        assertThat(sales.reduceByKey(Integer::sum, 2).collectAsMap()).isEqualTo(Map.of("a", 10, "b", 7, "c", 4));
        Map<String, List<Integer>> grouped = sales.groupByKey(2).collectAsMap();
        assertThat(grouped).containsOnlyKeys("a", "b", "c");
        assertThat(grouped.get("a")).containsExactlyInAnyOrder(1, 3, 6);
        assertThat(sales.mapValues(v -> v * 2).reduceByKey(Integer::sum).collectAsMap())
                .containsEntry("c", 8);

        PairDataset<String, String> names = engine.parallelize(List.of("a:alpha", "b:beta", "b:bravo", "d:delta"), 2)
                .mapToPair(s -> Pair.of(s.split(":", -1)[0], s.split(":", -1)[1]));
        List<Pair<String, Pair<Integer, String>>> joined = sales.join(names).collect();
        assertThat(joined)
                .containsExactlyInAnyOrder(
                        Pair.of("a", Pair.of(1, "alpha")),
                        Pair.of("a", Pair.of(3, "alpha")),
                        Pair.of("a", Pair.of(6, "alpha")),
                        Pair.of("b", Pair.of(2, "beta")),
                        Pair.of("b", Pair.of(2, "bravo")),
                        Pair.of("b", Pair.of(5, "beta")),
                        Pair.of("b", Pair.of(5, "bravo")));
    }

    @Test
    void recordsOfJavaRecordTypesCrossAShuffle() {
        Map<String, Sale> biggest = engine.parallelize(List.of(new Sale("x", 5), new Sale("y", 7), new Sale("x", 9)), 2)
                .mapToPair(s -> Pair.of(s.shop(), s))
                .reduceByKey((a, b) -> a.cents() >= b.cents() ? a : b)
                .collectAsMap();

        assertThat(biggest).isEqualTo(Map.of("x", new Sale("x", 9), "y", new Sale("y", 7)));
    }

    @Test
    void anUnserialisableRecordFailsTheJobAtOnceNamingItsType() {
        log.clear();
        Dataset<Pair<String, Set<String>>> sets =
                engine.parallelize(List.of("a", "b"), 2).map(s -> Pair.of(s, (Set<String>) new HashSet<>(List.of(s))));

        assertThatThrownBy(() -> PairDataset.from(sets).groupByKey().collect())
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("non-retryable")
                .hasMessageContaining("Cannot serialise a value of type java.util.HashSet")
                .hasMessageContaining("lifeboat.serializer");
        assertThat(log.of(EngineEvent.TaskStarted.class)).hasSizeLessThanOrEqualTo(2); // no retries
    }

    @Test
    void textFileReadsEveryLineOnceWhereverTheSplitsFall() throws Exception {
        Path file = dir.resolve("lines.txt");
        List<String> lines = IntStream.range(0, 1000)
                .mapToObj(i -> "line " + i + " ".repeat(i % 13) + "é")
                .toList();
        Files.writeString(file, String.join("\n", lines) + "\r\nlast line without newline", StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>(lines);
        expected.add("last line without newline");

        for (int partitions : List.of(1, 2, 7, 64)) {
            Dataset<String> text = engine.textFile(file, partitions);
            assertThat(text.numPartitions()).isGreaterThanOrEqualTo(partitions);
            assertThat(text.collect()).as("%d partitions", partitions).isEqualTo(expected);
        }
    }

    @Test
    void saveAsTextFileWritesOneFilePerPartitionAndTextFileReadsThemBack() throws Exception {
        Path out = dir.resolve("saved");
        Dataset<Integer> numbers =
                engine.parallelize(IntStream.range(0, 50).boxed().toList(), 4);

        numbers.saveAsTextFile(out);

        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("part-00000", "part-00001", "part-00002", "part-00003", "_SUCCESS");
        }
        assertThat(engine.textFile(out, 1).map(Integer::parseInt).collect()).isEqualTo(numbers.collect());
        assertThatThrownBy(() -> numbers.saveAsTextFile(out)).isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void theLineageShowsStageBoundariesAndWhereEachDatasetWasMade() {
        PairDataset<String, Integer> counts = engine.parallelize(List.of("a b"), 2)
                .flatMap(l -> List.of(l.split(" ")))
                .mapToPair(w -> Pair.of(w, 1))
                .reduceByKey(Integer::sum, 3);
        int id = counts.id();

        assertThat(counts.toDebugString().replaceAll("DatasetTest.java:\\d+", "DatasetTest.java:N"))
                .isEqualTo(String.join(
                        "\n",
                        "(3) ShuffledDataset[" + id
                                + "] reduceByKey at DatasetTest.java:N [hash-partitioned into 3, shuffle "
                                + shuffleIdOf(counts) + "]",
                        " +-(2) MapPartitionsDataset[" + (id - 1) + "] mapToPair at DatasetTest.java:N",
                        "    |  MapPartitionsDataset[" + (id - 2) + "] flatMap at DatasetTest.java:N",
                        "    |  CollectionDataset[" + (id - 3) + "] parallelize at DatasetTest.java:N"));
        assertThat(counts.map(Pair::value).toDebugString())
                .startsWith("(3) MapPartitionsDataset[" + (id + 1) + "] map at")
                .contains("\n |  ShuffledDataset[" + id + "]");
    }

    private static int shuffleIdOf(PairDataset<?, ?> shuffled) {
        String s = shuffled.toDebugString();
        int start = s.indexOf(", shuffle ") + ", shuffle ".length();
        return Integer.parseInt(s.substring(start, s.indexOf(']', start)));
    }
}

package dev.lifeboat.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spark.internal.ShuffleMapTasks;
import dev.lifeboat.spark.internal.ShuffleSettings;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.FetchFailed;
import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.ShuffledRDD;
import org.apache.spark.scheduler.ExecutorProcessLost;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import scala.Option;
import scala.Tuple2;

/**
 * Spark jobs in {@code local[2]} on the Lifeboat shuffle, against one store (one Spark context per
 * class): results equal to what the shuffle must produce, lost and corrupt blocks recomputed once,
 * executor loss, and shuffle removal. Subclasses start the store's real server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ShuffleSuite {
    static final int RECORDS = 20_000;
    static final int KEYS = 37;
    static final int MAPS = 4;

    JavaSparkContext sc;
    final Events events = new Events();

    /** The store URI (every application gets a folder below it). */
    abstract URI store() throws Exception;

    /** Further Spark settings: store options, serializer. */
    abstract Map<String, String> conf();

    /** Whether the store keeps blocks beyond executors. */
    abstract boolean outlivesExecutor();

    @BeforeAll
    void startSpark() throws Exception {
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName(getClass().getSimpleName())
                .set("spark.ui.enabled", "false")
                .set("spark.shuffle.manager", LifeboatShuffleManager.class.getName())
                .set("spark.shuffle.sort.io.plugin.class", LifeboatShuffleDataIO.class.getName())
                .set(ShuffleSettings.STORE, store().toString());
        conf().forEach(conf::set);
        sc = new JavaSparkContext(conf);
        sc.sc().addSparkListener(events);
    }

    @AfterAll
    void stopSpark() {
        if (sc != null) {
            sc.stop();
        }
    }

    static List<Tuple2<Integer, Integer>> records() {
        return IntStream.range(0, RECORDS)
                .mapToObj(i -> new Tuple2<>(i % KEYS, i))
                .collect(Collectors.toList());
    }

    JavaPairRDD<Integer, Integer> pairs() {
        return sc.parallelizePairs(records(), MAPS);
    }

    @Test
    @Order(1)
    void groupByKeyGroupsEveryValue() {
        Map<Integer, List<Integer>> got = new TreeMap<>();
        for (Tuple2<Integer, Iterable<Integer>> t : pairs().groupByKey(5).collect()) {
            List<Integer> values = new ArrayList<>();
            t._2().forEach(values::add);
            Collections.sort(values);
            assertThat(got.put(t._1(), values)).as("key %s once", t._1()).isNull();
        }
        Map<Integer, List<Integer>> expected = new TreeMap<>();
        for (Tuple2<Integer, Integer> r : records()) {
            expected.computeIfAbsent(r._1(), k -> new ArrayList<>()).add(r._2());
        }
        assertThat(got).isEqualTo(expected);
    }

    @Test
    @Order(2)
    void reduceByKeyJoinSortAndRepartitionProduceTheExpectedRecords() {
        Map<Integer, Long> sums = new TreeMap<>(
                pairs().mapValues(v -> (long) v).reduceByKey(Long::sum, 3).collectAsMap());
        Map<Integer, Long> expectedSums = new TreeMap<>();
        for (Tuple2<Integer, Integer> r : records()) {
            expectedSums.merge(r._1(), (long) r._2(), Long::sum);
        }
        assertThat(sums).isEqualTo(expectedSums);

        List<Tuple2<Integer, String>> names =
                IntStream.range(0, 20).mapToObj(k -> new Tuple2<>(k, "n" + k)).collect(Collectors.toList());
        List<String> joined = pairs().join(sc.parallelizePairs(names, 2), 4)
                .map(t -> t._1() + ":" + t._2()._1() + ":" + t._2()._2())
                .collect();
        List<String> expectedJoin = records().stream()
                .filter(r -> r._1() < 20)
                .map(r -> r._1() + ":" + r._2() + ":n" + r._1())
                .collect(Collectors.toList());
        assertThat(joined).containsExactlyInAnyOrderElementsOf(expectedJoin);

        List<Integer> sortedValues = pairs().mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .sortByKey(false, 4)
                .keys()
                .collect();
        List<Integer> expectedOrder = IntStream.range(0, RECORDS)
                .boxed()
                .sorted(Collections.reverseOrder())
                .collect(Collectors.toList());
        assertThat(sortedValues).isEqualTo(expectedOrder);

        List<List<Tuple2<Integer, Integer>>> parts =
                pairs().repartition(6).glom().collect();
        assertThat(parts).hasSize(6);
        List<Tuple2<Integer, Integer>> all = new ArrayList<>();
        parts.forEach(all::addAll);
        assertThat(all).containsExactlyInAnyOrderElementsOf(records());
    }

    @Test
    @Order(3)
    void emptyMapAndReducePartitionsAreEmpty() {
        // Three records in five map partitions (two empty), keys that leave reduce partitions empty.
        List<Tuple2<Integer, String>> few = List.of(new Tuple2<>(0, "a"), new Tuple2<>(8, "b"), new Tuple2<>(3, "c"));
        List<List<Tuple2<Integer, String>>> parts = sc.parallelizePairs(few, 5)
                .partitionBy(new HashPartitioner(8))
                .glom()
                .collect();
        assertThat(parts).hasSize(8);
        for (int p = 0; p < 8; p++) {
            int partition = p;
            List<Tuple2<Integer, String>> expected =
                    few.stream().filter(t -> t._1() % 8 == partition).collect(Collectors.toList());
            assertThat(parts.get(p)).as("reduce partition %s", p).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(sc.parallelizePairs(List.<Tuple2<Integer, String>>of(), 3)
                        .groupByKey(4)
                        .collect())
                .isEmpty();
    }

    @Test
    @Order(5)
    void aDeletedMapOutputIsRecomputedInOneResubmission() throws Exception {
        lostMapOutputIsRecomputed((faults, data) -> faults.delete(data));
    }

    @Test
    @Order(6)
    void aCorruptBlockIsRecomputedInOneResubmission() throws Exception {
        lostMapOutputIsRecomputed((faults, data) -> faults.flipByte(data, 0));
    }

    interface Fault {
        void inject(StorageFaults faults, StoredObject data) throws IOException;
    }

    private void lostMapOutputIsRecomputed(Fault fault) throws Exception {
        JavaPairRDD<Integer, Long> sums = pairs().mapValues(v -> (long) v).reduceByKey(Long::sum, 3);
        Map<Integer, Long> before = new TreeMap<>(sums.collectAsMap());
        int shuffleId = shuffleIdOf(sums);
        int lostMap = 2;
        StorageFaults faults = faults();
        StoredObject data = faults.list(StoredKind.SHUFFLE_DATA).stream()
                .filter(o -> o.key()
                        .equals(shuffleId + "/"
                                + ShuffleMapTasks.idOf(shuffleId, lostMap, 0, 0).mapId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no data of map " + lostMap + " of shuffle " + shuffleId));
        fault.inject(faults, data);

        events.reset();
        Map<Integer, Long> after = new TreeMap<>(sums.collectAsMap());
        sc.sc().listenerBus().waitUntilEmpty();

        assertThat(after).isEqualTo(before);
        // The reader's fetch failures name the lost block's location; tasks that start after Spark
        // unregistered the output fail on the missing location instead (no address).
        List<FetchFailed> failures = events.fetchFailures().stream()
                .filter(f -> f.bmAddress() != null)
                .collect(Collectors.toList());
        assertThat(failures).as("fetch failures of the reader").isNotEmpty();
        for (FetchFailed f : failures) {
            assertThat(f.shuffleId()).isEqualTo(shuffleId);
            assertThat(f.mapIndex()).as("map index of %s", f).isEqualTo(lostMap);
        }
        assertThat(failures.stream().map(FetchFailed::mapId).distinct())
                .as("one map output named")
                .hasSize(1);
        // One resubmission of the map stage, which runs only the lost map task when the store
        // outlives executors, or every map task of the executor that wrote it when it does not.
        assertThat(events.mapStageTasks())
                .as("map stage attempts and their tasks")
                .hasSize(1);
        assertThat(events.mapStageTasks().get(0)).isEqualTo(outlivesExecutor() ? 1 : MAPS);
    }

    @Test
    @Order(7)
    void executorLossRerunsMapTasksOnlyWhenBlocksDieWithTheExecutor() throws Exception {
        JavaPairRDD<Integer, Long> sums = pairs().mapValues(v -> (long) v).reduceByKey(Long::sum, 3);
        Map<Integer, Long> before = new TreeMap<>(sums.collectAsMap());
        int shuffleId = shuffleIdOf(sums);
        assertThat(((org.apache.spark.MapOutputTrackerMaster) sc.sc().env().mapOutputTracker())
                        .getNumAvailableOutputs(shuffleId))
                .isEqualTo(MAPS);

        // The scheduler-level loss of the executor that ran every map task (local mode has one,
        // the driver's), as the cluster manager reports it; the event loop handles it before the
        // next job. It also unregisters the driver's block manager until its next heartbeat, so
        // this runs last.
        events.reset();
        String executor = sc.sc().env().executorId();
        sc.sc().dagScheduler().executorLost(executor, new ExecutorProcessLost("lost in a test", Option.empty(), true));
        Map<Integer, Long> after = new TreeMap<>(sums.collectAsMap());
        sc.sc().listenerBus().waitUntilEmpty();

        assertThat(after).isEqualTo(before);
        assertThat(((org.apache.spark.MapOutputTrackerMaster) sc.sc().env().mapOutputTracker())
                        .getNumAvailableOutputs(shuffleId))
                .isEqualTo(MAPS);
        assertThat(events.mapStageTasks())
                .as("map stage attempts after the loss")
                .isEqualTo(outlivesExecutor() ? List.of() : List.of(MAPS));
    }

    // Before the fault tests: in local mode a fetch failure on the local store unregisters the
    // driver's block manager (the executor that wrote the output) until its next heartbeat, and
    // Spark sends the removal only to registered block managers.
    @Test
    @Order(4)
    void cleaningAShuffleRemovesItsMapOutputs() throws Exception {
        JavaPairRDD<Integer, Integer> grouped = pairs().partitionBy(new HashPartitioner(3));
        assertThat(grouped.count()).isEqualTo(RECORDS);
        int shuffleId = shuffleIdOf(grouped);
        assertThat(outputsOf(shuffleId)).as("stored map outputs").isNotEmpty();
        sc.sc().cleaner().get().doCleanupShuffle(shuffleId, true);
        assertThat(outputsOf(shuffleId)).as("stored map outputs after cleaning").isEmpty();
    }

    private List<StoredObject> outputsOf(int shuffleId) throws Exception {
        StorageFaults faults = faults();
        List<StoredObject> out = new ArrayList<>();
        for (StoredKind kind : List.of(StoredKind.SHUFFLE_DATA, StoredKind.SHUFFLE_INDEX)) {
            faults.list(kind).stream()
                    .filter(o -> o.key().startsWith(shuffleId + "/"))
                    .forEach(out::add);
        }
        return out;
    }

    static int shuffleIdOf(JavaPairRDD<?, ?> rdd) {
        Object shuffled = rdd.rdd();
        if (!(shuffled instanceof ShuffledRDD<?, ?, ?>)) {
            throw new IllegalArgumentException(shuffled + " is not a shuffled RDD");
        }
        return ((ShuffleDependency<?, ?, ?>) rdd.rdd().dependencies().head()).shuffleId();
    }

    /** Fault injection over this application's folder of the store. */
    StorageFaults faults() throws Exception {
        URI app =
                new ShuffleSettings(store(), Map.of()).applicationStore(sc.sc().applicationId());
        return ((SupportsFaultInjection) Lifeboat.shuffleBlockStoreProvider(app)).faults(app, storeOptions());
    }

    /** The store's options, without Spark's prefix. */
    Map<String, String> storeOptions() {
        Map<String, String> options = new TreeMap<>();
        conf().forEach((k, v) -> {
            if (k.startsWith(ShuffleSettings.OPTION_PREFIX)) {
                options.put(k.substring(ShuffleSettings.OPTION_PREFIX.length()), v);
            }
        });
        return options;
    }

    /** What the scheduler did: fetch failures and, per map stage attempt, its number of tasks. */
    static final class Events extends SparkListener {
        private final List<FetchFailed> fetchFailures = new ArrayList<>();
        private final List<Integer> mapStageTasks = new ArrayList<>();

        synchronized void reset() {
            fetchFailures.clear();
            mapStageTasks.clear();
        }

        synchronized List<FetchFailed> fetchFailures() {
            return List.copyOf(fetchFailures);
        }

        synchronized List<Integer> mapStageTasks() {
            return List.copyOf(mapStageTasks);
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            if (taskEnd.reason() instanceof FetchFailed f) {
                fetchFailures.add(f);
            }
        }

        @Override
        public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
            // A map stage's RDD is the parent of a shuffle; its stage info names the shuffle it writes.
            if (submitted.stageInfo().shuffleDepId().isDefined()) {
                mapStageTasks.add(submitted.stageInfo().numTasks());
            }
        }
    }
}

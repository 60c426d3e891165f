package dev.lifeboat.runtime;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.event.EngineListener;
import dev.lifeboat.runtime.fault.FaultInjector;
import dev.lifeboat.runtime.internal.executor.ExecutorEnvironment;
import dev.lifeboat.runtime.internal.executor.Task;
import dev.lifeboat.runtime.internal.fault.FaultPlan;
import dev.lifeboat.runtime.internal.io.RecordCodec;
import dev.lifeboat.runtime.internal.lineage.CollectionNode;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.TextFileNode;
import dev.lifeboat.runtime.internal.scheduler.Checkpointer;
import dev.lifeboat.runtime.internal.scheduler.DagScheduler;
import dev.lifeboat.runtime.internal.scheduler.ListenerBus;
import dev.lifeboat.runtime.internal.scheduler.ResultHandler;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A batch execution engine in one JVM: a driver with a stage scheduler, and
 * {@code lifeboat.executor.instances} executors with their own block areas and shuffle store
 * locations. Datasets are made from it ({@link #parallelize}, {@link #textFile}) and computed by
 * their actions; every failure Spark recovers from is recovered from here too (see
 * {@code DagScheduler} for how), and can be provoked with {@link #faults()}.
 *
 * <pre>{@code
 * try (Engine engine = Engine.start(EngineConfig.builder().set(EngineConfig.EXECUTOR_INSTANCES, 4).build())) {
 *     Map<String, Integer> counts = engine.textFile(Path.of("input"), 8)
 *             .flatMap(line -> List.of(line.split(" ")))
 *             .mapToPair(word -> Pair.of(word, 1))
 *             .reduceByKey(Integer::sum)
 *             .collectAsMap();
 * }
 * }</pre>
 *
 * <p>Shuffle outputs go through the shuffle block store at {@code lifeboat.shuffle.store}
 * (local files by default) and checkpoints through the checkpoint store at
 * {@code lifeboat.checkpoint.dir}; both are opened by URI through {@link Lifeboat}. Actions run one
 * at a time; datasets may be built from any thread.
 */
public final class Engine implements AutoCloseable {
    private final EngineConfig config;
    private final String appId;
    private final ListenerBus bus = new ListenerBus();
    private final ScheduledExecutorService timer;
    private final DagScheduler scheduler;
    private final FaultPlan faults;
    private final Checkpointer checkpointer;
    private final Optional<CheckpointStore> checkpointStore;
    private final Optional<Path> ownedLocalDir;
    private final AtomicInteger nextDatasetId = new AtomicInteger();
    private final AtomicInteger nextShuffleId = new AtomicInteger();
    private final Object jobLock = new Object();
    private volatile boolean closed;

    private Engine(EngineConfig config, List<EngineListener> listeners) throws IOException {
        this.config = config;
        this.appId = config.appName() + "-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + Integer.toString(new java.util.Random().nextInt(1 << 20), 36);
        listeners.forEach(bus::add);
        Path localDir;
        if (config.localDir().isPresent()) {
            localDir = Files.createDirectories(config.localDir().get());
            ownedLocalDir = Optional.empty();
        } else {
            localDir = Files.createTempDirectory("lifeboat-");
            ownedLocalDir = Optional.of(localDir);
        }
        URI shuffleRoot = config.shuffleStore()
                .orElseGet(() -> localDir.resolve("shuffle").toAbsolutePath().toUri());
        ShuffleBlockStoreProvider shuffleProvider = Lifeboat.shuffleBlockStoreProvider(shuffleRoot);
        Optional<String> cannotDamage = shuffleProvider instanceof SupportsFaultInjection
                ? Optional.empty()
                : Optional.of("the shuffle store " + shuffleRoot + " cannot be damaged on purpose: its provider "
                        + shuffleProvider.getClass().getName() + " does not implement SupportsFaultInjection");
        this.checkpointStore = config.checkpointDir().isPresent()
                ? Optional.of(
                        Lifeboat.openCheckpointStore(config.checkpointDir().get(), config.checkpointOptions()))
                : Optional.empty();
        AtomicInteger timerThreads = new AtomicInteger();
        this.timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "lifeboat-timer-" + timerThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.scheduler = new DagScheduler(config, bus, timer);
        this.faults = new FaultPlan(bus, scheduler::executor, cannotDamage);
        this.checkpointer =
                new Checkpointer(scheduler, checkpointStore, config.serializer().name(), bus);
        ExecutorEnvironment env = new ExecutorEnvironment(
                shuffleRoot,
                config.shuffleStoreOptions(),
                new RecordCodec(config.serializer(), config.shuffleCompress(), config.zstdLevel()),
                new RecordCodec(config.serializer(), config.checkpointCompress(), config.zstdLevel()),
                scheduler.blockRegistry(),
                checkpointStore,
                faults,
                config.executorCores(),
                config.heartbeatInterval(),
                timer);
        try {
            scheduler.start(env, faults);
        } catch (IOException | RuntimeException e) {
            scheduler.close();
            timer.shutdownNow();
            if (checkpointStore.isPresent()) {
                checkpointStore.get().close();
            }
            if (ownedLocalDir.isPresent()) {
                deleteRecursively(ownedLocalDir.get());
            }
            throw e;
        }
    }

    /**
     * Starts an engine: opens its stores and starts its executors.
     *
     * @param listeners listeners that also hear the first events (the executors being added)
     * @throws IllegalArgumentException if a store URI has no provider, or a store option is bad
     * @throws IOException if a store cannot be opened
     */
    public static Engine start(EngineConfig config, EngineListener... listeners) throws IOException {
        requireNonNull(config, "config is null");
        return new Engine(config, List.of(listeners));
    }

    /** Starts an engine with every default (two executors, local stores in a temporary directory). */
    public static Engine start() throws IOException {
        return start(EngineConfig.defaults());
    }

    public EngineConfig config() {
        return config;
    }

    /** Unique per engine: {@code <app name>-<time>-<random>}; names unnamed checkpoints. */
    public String appId() {
        return appId;
    }

    /** The fault injector of this engine. */
    public FaultInjector faults() {
        return faults;
    }

    public void addListener(EngineListener listener) {
        bus.add(listener);
    }

    public void removeListener(EngineListener listener) {
        bus.remove(listener);
    }

    /** The ids of the executors that are alive now, in order. */
    public List<Integer> liveExecutors() {
        return scheduler.liveExecutors();
    }

    /** A dataset of the elements of {@code data}, cut into {@code lifeboat.default.parallelism} slices. */
    public <T> Dataset<T> parallelize(List<T> data) {
        return parallelize(data, config.defaultParallelism());
    }

    /** A dataset of the elements of {@code data}, cut into {@code numSlices} slices of nearly equal size. */
    public <T> Dataset<T> parallelize(List<T> data, int numSlices) {
        requireNonNull(data, "data is null");
        return new Dataset<>(this, new CollectionNode(nextDatasetId(), callSite(), data, numSlices));
    }

    /** The lines of a file, or of every file in a directory, in {@code lifeboat.default.parallelism} or more partitions. */
    public Dataset<String> textFile(Path path) {
        return textFile(path, config.defaultParallelism());
    }

    /**
     * The lines of a file, or of every file in a directory (names starting with {@code _} or
     * {@code .} are skipped), split into at least {@code minPartitions} byte ranges.
     */
    public Dataset<String> textFile(Path path, int minPartitions) {
        return new Dataset<>(this, new TextFileNode(nextDatasetId(), callSite(), path, minPartitions));
    }

    /** Stops the executors and the driver; a running action fails. Removes the local directory it created. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        timer.shutdownNow();
        if (checkpointStore.isPresent()) {
            checkpointStore.get().close();
        }
        if (ownedLocalDir.isPresent()) {
            deleteRecursively(ownedLocalDir.get());
        }
    }

    // --------------------------------------------------------------- for Dataset and PairDataset

    int nextDatasetId() {
        return nextDatasetId.getAndIncrement();
    }

    int nextShuffleId() {
        return nextShuffleId.getAndIncrement();
    }

    /** Runs an action's job on every partition of {@code node}, then writes pending checkpoints. */
    void runJob(Node node, Task.PartitionFunction function, ResultHandler handler, String action) {
        if (closed) {
            throw new IllegalStateException("the engine is closed");
        }
        List<Integer> partitions =
                IntStream.range(0, node.numPartitions()).boxed().toList();
        synchronized (jobLock) {
            scheduler.runJob(node, partitions, function, handler, action + " at " + callSite());
            checkpointer.afterJob(node);
        }
    }

    void markCheckpoint(Node node, boolean reliable, Optional<String> name) {
        CheckpointId id = name.map(n -> CheckpointId.of("rdd/" + n))
                .orElseGet(() -> CheckpointId.of("rdd/" + appId + "/" + node.id()));
        checkpointer.mark(node, reliable, id);
    }

    private static final List<String> API_CLASSES =
            List.of(Engine.class.getName(), Dataset.class.getName(), PairDataset.class.getName());

    /** {@code File.java:42} of the first caller outside the dataset API and the engine's internals. */
    static String callSite() {
        return StackWalker.getInstance()
                .walk(frames -> frames.filter(f -> {
                            String cls = f.getClassName();
                            int nested = cls.indexOf('$');
                            String outer = nested < 0 ? cls : cls.substring(0, nested);
                            return !API_CLASSES.contains(outer) && !cls.startsWith("dev.lifeboat.runtime.internal.");
                        })
                        .findFirst()
                        .map(f -> f.getFileName() + ":" + f.getLineNumber())
                        .orElse("unknown"));
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove " + p, e);
            }
        }
    }
}

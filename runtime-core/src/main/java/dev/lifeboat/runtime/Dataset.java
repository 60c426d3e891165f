package dev.lifeboat.runtime;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.internal.lineage.Iterators;
import dev.lifeboat.runtime.internal.lineage.LineagePrinter;
import dev.lifeboat.runtime.internal.lineage.MapPartitionsNode;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.UnionNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An immutable, partitioned collection of records, defined by its lineage: the datasets it was
 * made from and how. Transformations ({@link #map}, {@link #filter}, ...) make new datasets and
 * compute nothing; actions ({@link #collect}, {@link #count}, ...) run a job. A lost partition is
 * recomputed from the lineage, so functions given to transformations must be deterministic and
 * free of side effects that matter.
 *
 * <p>{@link #toDebugString()} prints the lineage with its stage boundaries (shuffles) and
 * checkpoint cuts. Actions throw {@link JobFailedException} when the job fails.
 *
 * @param <T> the record type
 */
public sealed class Dataset<T> permits PairDataset {
    final Engine engine;
    final Node node;

    Dataset(Engine engine, Node node) {
        this.engine = requireNonNull(engine, "engine is null");
        this.node = requireNonNull(node, "node is null");
    }

    /** Unique within the engine; what {@code Target.dataset} and lineage output refer to. */
    public int id() {
        return node.id();
    }

    public int numPartitions() {
        return node.numPartitions();
    }

    // ------------------------------------------------------------------------ transformations

    public <R> Dataset<R> map(Function<? super T, ? extends R> f) {
        requireNonNull(f, "f is null");
        return derive("map", (Iterator<T> in) -> Iterators.map(in, f));
    }

    public Dataset<T> filter(Predicate<? super T> keep) {
        requireNonNull(keep, "keep is null");
        return derive("filter", (Iterator<T> in) -> Iterators.filter(in, keep));
    }

    /** Each record becomes zero or more records. */
    public <R> Dataset<R> flatMap(Function<? super T, ? extends Iterable<? extends R>> f) {
        requireNonNull(f, "f is null");
        return derive("flatMap", (Iterator<T> in) -> Iterators.flatMap(in, f));
    }

    /** A function of each whole partition. */
    public <R> Dataset<R> mapPartitions(Function<Iterator<T>, Iterator<R>> f) {
        requireNonNull(f, "f is null");
        return derive("mapPartitions", f);
    }

    /** Records become key-value pairs, ready for {@link PairDataset#reduceByKey} and friends. */
    public <K, V> PairDataset<K, V> mapToPair(Function<? super T, Pair<K, V>> f) {
        requireNonNull(f, "f is null");
        return new PairDataset<>(engine, mapNode("mapToPair", (Iterator<T> in) -> Iterators.map(in, f)));
    }

    /** The partitions of this dataset followed by those of {@code other}; no shuffle. */
    public Dataset<T> union(Dataset<T> other) {
        requireNonNull(other, "other is null");
        checkSameEngine(other);
        return new Dataset<>(
                engine, new UnionNode(engine.nextDatasetId(), "union", Engine.callSite(), List.of(node, other.node)));
    }

    // -------------------------------------------------------------------------- checkpoints

    /**
     * Marks this dataset for a reliable checkpoint: the next action writes its partitions to the
     * checkpoint store ({@code lifeboat.checkpoint.dir}), commits them at once, and cuts the
     * lineage; later jobs read the checkpoint instead of recomputing. The checkpoint is private
     * to this engine; use {@link #checkpoint(String)} to share one across engines.
     *
     * @throws IllegalStateException if no checkpoint store is configured
     */
    public Dataset<T> checkpoint() {
        engine.markCheckpoint(node, true, Optional.empty());
        return this;
    }

    /**
     * Like {@link #checkpoint()}, under the id {@code rdd/<name>}. If a checkpoint with that id is
     * already committed — by this engine, or another one in any JVM — it is used at once: the
     * lineage is cut and nothing is computed. The name must identify the data.
     *
     * @throws IllegalArgumentException if the name is not a valid checkpoint id segment, or the
     *     committed checkpoint has a different number of partitions
     */
    public Dataset<T> checkpoint(String name) {
        requireNonNull(name, "name is null");
        engine.markCheckpoint(node, true, Optional.of(name));
        return this;
    }

    /**
     * Marks this dataset for a local checkpoint: the next action keeps its partitions as blocks on
     * the executors that computed them and cuts the lineage. Fast, but a partition whose executor
     * is lost is lost for good: a job that needs it fails with a
     * {@link CheckpointUnavailableException} (as in Spark). Use {@link #checkpoint()} to survive
     * executor loss.
     */
    public Dataset<T> localCheckpoint() {
        engine.markCheckpoint(node, false, Optional.empty());
        return this;
    }

    /** Whether a checkpoint has cut this dataset's lineage. */
    public boolean isCheckpointed() {
        return node.checkpointState().isDone();
    }

    /**
     * The lineage, one dataset per line, with partition counts where stages start, {@code +-} at
     * each shuffle (a stage boundary) and the checkpoint that cuts the lineage, if any.
     */
    public String toDebugString() {
        return LineagePrinter.debugString(node);
    }

    // ------------------------------------------------------------------------------ actions

    /** Every record, in partition order. */
    public List<T> collect() {
        AtomicReferenceArray<List<T>> parts = new AtomicReferenceArray<>(numPartitions());
        engine.runJob(
                node,
                (task, records) -> {
                    List<Object> list = new ArrayList<>();
                    records.forEachRemaining(list::add);
                    return list;
                },
                (p, result) -> parts.set(p, cast(result)),
                "collect");
        List<T> all = new ArrayList<>();
        for (int p = 0; p < parts.length(); p++) {
            all.addAll(parts.get(p));
        }
        return all;
    }

    public long count() {
        long[] counts = new long[numPartitions()];
        engine.runJob(
                node,
                (task, records) -> {
                    long n = 0;
                    for (; records.hasNext(); records.next()) {
                        n++;
                    }
                    return n;
                },
                (p, result) -> counts[p] = (Long) result,
                "count");
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    /** Combines all records with an associative function; empty if there are none. */
    public Optional<T> reduce(BinaryOperator<T> f) {
        requireNonNull(f, "f is null");
        AtomicReferenceArray<Optional<T>> parts = new AtomicReferenceArray<>(numPartitions());
        engine.runJob(
                node,
                (task, records) -> {
                    Iterator<T> it = cast(records);
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    T acc = it.next();
                    while (it.hasNext()) {
                        acc = f.apply(acc, it.next());
                    }
                    return Optional.ofNullable(acc);
                },
                (p, result) -> parts.set(p, cast(result)),
                "reduce");
        Optional<T> total = Optional.empty();
        for (int p = 0; p < parts.length(); p++) {
            Optional<T> part = parts.get(p);
            if (part.isPresent()) {
                total = total.isPresent() ? Optional.ofNullable(f.apply(total.get(), part.get())) : part;
            }
        }
        return total;
    }

    /**
     * Runs {@code f} on each partition, on the executors. A partition may be processed more than
     * once (retries, speculation), so {@code f} should be idempotent.
     */
    public void foreachPartition(Consumer<Iterator<T>> f) {
        requireNonNull(f, "f is null");
        engine.runJob(
                node,
                (task, records) -> {
                    f.accept(cast(records));
                    return null;
                },
                (p, result) -> {},
                "foreachPartition");
    }

    /**
     * Writes each partition as a text file {@code part-00000}, ... (one record per line, by
     * {@link String#valueOf}) into {@code directory}, then an empty {@code _SUCCESS}. Each task
     * attempt writes a file of its own under {@code _temporary}; the driver moves the first
     * successful attempt's file of each partition into place, so retries and speculative copies
     * never mix.
     *
     * @throws FileAlreadyExistsException if {@code directory} exists and is not empty
     */
    public void saveAsTextFile(Path directory) throws IOException {
        requireNonNull(directory, "directory is null");
        if (Files.isDirectory(directory)) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new FileAlreadyExistsException(directory.toString(), null, "output directory is not empty");
                }
            }
        }
        Path temporary = Files.createDirectories(directory.resolve("_temporary"));
        engine.runJob(
                node,
                (task, records) -> {
                    Path file = temporary.resolve(
                            String.format(Locale.ROOT, "part-%05d-task-%d", task.partition(), task.taskId()));
                    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                        while (records.hasNext()) {
                            out.write(String.valueOf(records.next()));
                            out.write('\n');
                        }
                    }
                    return file.toString();
                },
                (p, result) -> Files.move(
                        Path.of((String) result),
                        directory.resolve(String.format(Locale.ROOT, "part-%05d", p)),
                        StandardCopyOption.ATOMIC_MOVE),
                "saveAsTextFile");
        try (Stream<Path> leftovers = Files.walk(temporary)) { // files of losing attempts
            for (Path p : leftovers.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.createFile(directory.resolve("_SUCCESS"));
    }

    @Override
    public String toString() {
        return node.describe();
    }

    // ------------------------------------------------------------------------------ helpers

    <R> Dataset<R> derive(String operation, Function<Iterator<T>, Iterator<R>> f) {
        return new Dataset<>(engine, mapNode(operation, f));
    }

    <R> Node mapNode(String operation, Function<Iterator<T>, Iterator<R>> f) {
        Function<Iterator<Object>, Iterator<Object>> erased = cast(f);
        return new MapPartitionsNode(engine.nextDatasetId(), operation, Engine.callSite(), node, erased);
    }

    void checkSameEngine(Dataset<?> other) {
        if (other.engine != engine) {
            throw new IllegalArgumentException(other + " belongs to another engine");
        }
    }

    // The one erasing cast between the typed API and the untyped nodes; callers assign its result.
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    static <X> X cast(Object o) {
        return (X) o;
    }
}

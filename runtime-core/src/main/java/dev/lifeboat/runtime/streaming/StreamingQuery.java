package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.streaming.StreamingListener.Phase;
import dev.lifeboat.runtime.streaming.internal.StateStore;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A micro-batch query: a running count and sum by key over one {@link Source}, written to a
 * {@link Sink} in update mode (each batch outputs {@code key,count,sum} for the keys it changed).
 *
 * <p>Each batch {@code b}:
 * <ol>
 *   <li>plans its range {@code [start, end)} and commits it to {@code offsets/<b>} (put-if-absent,
 *       with the driver's epoch); if {@code offsets/<b>} exists it re-runs with those offsets;
 *   <li>reads the records and updates the state, writing {@code state/delta/<b>} (and a snapshot
 *       every {@code snapshotInterval} batches);
 *   <li>writes the rows to the sink, which is idempotent by batch id;
 *   <li>commits {@code commits/<b>}; then the source may drop the range and old state versions
 *       beyond the retention are deleted.
 * </ol>
 * A crash anywhere leaves either a committed batch or one with offsets and no commit, which the
 * next driver re-runs with the same offsets, so the output is exactly once. A driver whose epoch
 * is stale is refused by the store and stops with {@link QueryFencedException}.
 *
 * <p>Not thread-safe: one thread runs a query; {@link #stop()} may be called from any thread.
 */
public final class StreamingQuery implements AutoCloseable {
    static final String OFFSETS = "offsets";
    static final String COMMITS = "commits";
    private static final String PART = "batch";
    private static final Duration ABANDONED_ATTEMPT_AGE = Duration.ofMinutes(10);

    private final CheckpointStore store;
    private final StateStore stateStore;
    private final Source source;
    private final Sink sink;
    private final long epoch;
    private final int maxRecordsPerBatch;
    private final Duration triggerInterval;
    private final Function<String, String> keyOf;
    private final ToLongFunction<String> valueOf;
    private final StreamingListener listener;
    private final BooleanSupplier stillLeader;
    private final SortedMap<String, RunningAggregate> state;
    private long lastCommitted;
    private long committedEnd;
    private volatile boolean stopped;

    private StreamingQuery(Builder b, CheckpointStore store) throws IOException {
        this.store = store;
        this.source = b.source;
        this.sink = b.sink;
        this.epoch = b.epoch;
        this.maxRecordsPerBatch = b.maxRecordsPerBatch;
        this.triggerInterval = b.triggerInterval;
        this.keyOf = b.keyOf;
        this.valueOf = b.valueOf;
        this.listener = b.listener;
        this.stillLeader = b.stillLeader;
        this.stateStore = new StateStore(store, b.snapshotInterval, b.retainSnapshots);
        this.lastCommitted =
                store.latest(COMMITS).map(id -> Long.parseLong(id.name())).orElse(-1L);
        this.committedEnd = lastCommitted < 0
                ? source.initialOffset()
                : readOffsets(lastCommitted)
                        .orElseThrow(() -> new CorruptDataException(
                                CheckpointId.of(OFFSETS, lastCommitted).value(),
                                0,
                                "committed batch " + lastCommitted + " has no offsets"))[1];
        // attempts of crashed drivers (killed between begin and commit) are removed once surely dead
        store.collectGarbage(ABANDONED_ATTEMPT_AGE);
        this.state = stateStore.load(lastCommitted, why -> listener.on(Phase.SNAPSHOT_FALLBACK, -1, why));
        listener.on(
                Phase.RECOVERED,
                lastCommitted,
                "last committed batch " + lastCommitted + ", source offset " + committedEnd + ", " + state.size()
                        + " keys in state, epoch " + epoch);
    }

    /** A builder with the defaults: key is the text before the first comma, value the number after it (else 1). */
    public static Builder builder() {
        return new Builder();
    }

    /** The last batch in the commit log, {@code -1} if none. */
    public long lastCommittedBatch() {
        return lastCommitted;
    }

    /** The source offset where the next new batch starts. */
    public long committedOffset() {
        return committedEnd;
    }

    /** The running aggregates after the last committed batch. */
    public SortedMap<String, RunningAggregate> state() {
        return new TreeMap<>(state);
    }

    /**
     * Runs the next batch: the pending one (offsets without commit) or a new one if the source has
     * records past {@link #committedOffset()}.
     *
     * @return whether a batch ran
     * @throws QueryFencedException if this driver was deposed
     */
    public boolean runBatch() throws IOException {
        long batch = lastCommitted + 1;
        try {
            checkLeader(batch);
            Optional<long[]> logged = readOffsets(batch);
            long[] range;
            if (logged.isPresent()) {
                range = logged.get();
                listener.on(Phase.OFFSETS, batch, "replay [" + range[0] + ", " + range[1] + ")");
            } else {
                long latest = source.latestOffset();
                long end = Math.min(latest, committedEnd + maxRecordsPerBatch);
                if (end <= committedEnd) {
                    return false;
                }
                range = new long[] {committedEnd, end};
                putOrFenced(
                        CheckpointId.of(OFFSETS, batch),
                        ("start=" + range[0] + "\nend=" + range[1] + "\nepoch=" + epoch + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                listener.on(Phase.OFFSETS, batch, "[" + range[0] + ", " + range[1] + ")");
            }
            List<String> records = source.read(range[0], range[1]);
            Map<String, RunningAggregate> delta = new TreeMap<>();
            Map<String, RunningAggregate> next = new HashMap<>(state);
            for (String r : records) {
                String key = requireNonNull(keyOf.apply(r), "key is null for record " + r);
                if (key.isEmpty() || key.indexOf('\t') >= 0 || key.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException(
                            "bad key '" + key + "' (empty, or has a tab or newline) in record: " + r);
                }
                RunningAggregate a =
                        next.getOrDefault(key, RunningAggregate.ZERO).plus(valueOf.applyAsLong(r));
                next.put(key, a);
                delta.put(key, a);
            }
            checkLeader(batch);
            stateStore.write(batch, epoch, delta, next);
            listener.on(Phase.STATE, batch, delta.size() + " keys changed");
            List<String> rows = new ArrayList<>();
            delta.forEach((k, v) -> rows.add(k + "," + v.count() + "," + v.sum()));
            checkLeader(batch);
            sink.addBatch(batch, epoch, rows);
            listener.on(Phase.SINK, batch, rows.size() + " rows");
            checkLeader(batch);
            putOrFenced(CheckpointId.of(COMMITS, batch), ("epoch=" + epoch + "\n").getBytes(StandardCharsets.UTF_8));
            state.putAll(delta);
            lastCommitted = batch;
            committedEnd = range[1];
            listener.on(Phase.COMMITTED, batch, records.size() + " records, source offset " + committedEnd);
        } catch (QueryFencedException e) {
            listener.on(Phase.FENCED, batch, e.getMessage());
            throw e;
        } catch (FencedException e) {
            QueryFencedException q =
                    new QueryFencedException("batch " + batch + " refused by storage", epoch, e.currentEpoch(), e);
            listener.on(Phase.FENCED, batch, q.getMessage());
            throw q;
        }
        source.committed(committedEnd);
        long oldest = stateStore.cleanUp(lastCommitted);
        for (long b = oldest - 1;
                b >= 0 && store.open(CheckpointId.of(OFFSETS, b)).isPresent();
                b--) {
            store.delete(CheckpointId.of(COMMITS, b));
            store.delete(CheckpointId.of(OFFSETS, b));
        }
        return true;
    }

    /**
     * Runs batches until {@code done} is true or {@link #stop()} is called, waiting the trigger
     * interval when the source has nothing new.
     */
    public void runUntil(BooleanSupplier done) throws IOException, InterruptedException {
        while (!stopped && !done.getAsBoolean()) {
            if (!runBatch()) {
                Thread.sleep(triggerInterval.toMillis());
            }
        }
    }

    /** Makes {@link #runUntil} return after the batch in progress. */
    public void stop() {
        stopped = true;
    }

    /** Closes the checkpoint store, the source and the sink. */
    @Override
    public void close() throws IOException {
        stopped = true;
        try (store;
                source;
                sink) {
            // closes all three, in reverse order, keeping the first failure
        }
    }

    private void checkLeader(long batch) throws QueryFencedException {
        if (!stillLeader.getAsBoolean()) {
            throw new QueryFencedException(
                    "leadership of epoch " + epoch + " ended before batch " + batch + " committed", epoch, -1, null);
        }
    }

    private void putOrFenced(CheckpointId id, byte[] bytes) throws IOException {
        try (CheckpointWriter w = store.begin(id, epoch)) {
            w.writePart(PART, bytes);
            w.commit();
        } catch (AlreadyCommittedException e) {
            throw new QueryFencedException(id + " was committed by another driver", epoch, -1, e);
        }
    }

    private Optional<long[]> readOffsets(long batch) throws IOException {
        Optional<Checkpoint> c = store.open(CheckpointId.of(OFFSETS, batch));
        if (c.isEmpty()) {
            return Optional.empty();
        }
        long start = -1;
        long end = -1;
        for (String line : new String(c.get().readPart(PART), StandardCharsets.UTF_8).split("\n", -1)) {
            if (line.startsWith("start=")) {
                start = Long.parseLong(line.substring(6));
            } else if (line.startsWith("end=")) {
                end = Long.parseLong(line.substring(4));
            }
        }
        if (start < 0 || end < start) {
            throw new CorruptDataException(OFFSETS + "/" + batch, 0, "offset log entry has no valid range");
        }
        return Optional.of(new long[] {start, end});
    }

    /** Configures and opens a {@link StreamingQuery}. */
    public static final class Builder {
        private URI checkpoint;
        private Map<String, String> checkpointOptions = Map.of();
        private Source source;
        private Sink sink;
        private long epoch;
        private int snapshotInterval = 5;
        private int retainSnapshots = 2;
        private int maxRecordsPerBatch = 1000;
        private Duration triggerInterval = Duration.ofMillis(20);
        private Function<String, String> keyOf = r -> r.indexOf(',') < 0 ? r : r.substring(0, r.indexOf(','));
        private ToLongFunction<String> valueOf = r -> r.indexOf(',') < 0
                ? 1
                : Long.parseLong(r.substring(r.indexOf(',') + 1).strip());
        private StreamingListener listener = StreamingListener.NONE;
        private BooleanSupplier stillLeader = () -> true;

        private Builder() {}

        /** The checkpoint store for offsets, commits and state, e.g. {@code file:///var/lib/app/checkpoint}. */
        public Builder checkpoint(URI uri, Map<String, String> options) {
            this.checkpoint = requireNonNull(uri, "uri is null");
            this.checkpointOptions = Map.copyOf(options);
            return this;
        }

        public Builder source(Source source) {
            this.source = requireNonNull(source, "source is null");
            return this;
        }

        public Builder sink(Sink sink) {
            this.sink = requireNonNull(sink, "sink is null");
            return this;
        }

        /** The driver's leader epoch, written into every checkpoint ({@code 0}: no election). */
        public Builder epoch(long epoch) {
            if (epoch < 0) {
                throw new IllegalArgumentException("epoch is negative: " + epoch);
            }
            this.epoch = epoch;
            return this;
        }

        /** A full state snapshot every this many batches (default 5). */
        public Builder snapshotInterval(int batches) {
            this.snapshotInterval = positive("snapshotInterval", batches);
            return this;
        }

        /** How many snapshots to keep (default 2); older snapshots and deltas are deleted. */
        public Builder retainSnapshots(int snapshots) {
            this.retainSnapshots = positive("retainSnapshots", snapshots);
            return this;
        }

        public Builder maxRecordsPerBatch(int records) {
            this.maxRecordsPerBatch = positive("maxRecordsPerBatch", records);
            return this;
        }

        /** How long {@link #runUntil} waits when the source has nothing new (default 20ms). */
        public Builder triggerInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("triggerInterval is negative: " + interval);
            }
            this.triggerInterval = interval;
            return this;
        }

        /** How a record's key and value are found. */
        public Builder aggregateBy(Function<String, String> key, ToLongFunction<String> value) {
            this.keyOf = requireNonNull(key, "key is null");
            this.valueOf = requireNonNull(value, "value is null");
            return this;
        }

        public Builder listener(StreamingListener listener) {
            this.listener = requireNonNull(listener, "listener is null");
            return this;
        }

        /** Checked before every side effect: once false, the query stops with {@link QueryFencedException}. */
        public Builder stillLeader(BooleanSupplier stillLeader) {
            this.stillLeader = requireNonNull(stillLeader, "stillLeader is null");
            return this;
        }

        /** Opens the checkpoint store by URI and recovers: last committed batch, source offset, state. */
        public StreamingQuery open() throws IOException {
            requireNonNull(checkpoint, "checkpoint is not set");
            requireNonNull(source, "source is not set");
            requireNonNull(sink, "sink is not set");
            CheckpointStore s = Lifeboat.openCheckpointStore(checkpoint, checkpointOptions);
            try {
                return new StreamingQuery(this, s);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        private static int positive(String what, int n) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be >= 1: " + n);
            }
            return n;
        }
    }
}

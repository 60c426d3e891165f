package dev.lifeboat.runtime.streaming.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.streaming.RunningAggregate;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Versioned state of a keyed running aggregation in a checkpoint store:
 * {@code state/delta/<b>} holds the keys batch {@code b} changed (with their new values) and
 * {@code state/snapshot/<b>} the whole state after batch {@code b}, written every
 * {@code snapshotInterval} batches. Loading the state after batch {@code c} takes the newest
 * readable snapshot at or before {@code c} (falling back past a damaged one) and applies the
 * deltas after it. Not API.
 */
public final class StateStore {
    static final String DELTA = "state/delta";
    static final String SNAPSHOT = "state/snapshot";
    private static final String PART = "state";

    private final CheckpointStore store;
    private final int snapshotInterval;
    private final int retainSnapshots;

    public StateStore(CheckpointStore store, int snapshotInterval, int retainSnapshots) {
        this.store = requireNonNull(store, "store is null");
        if (snapshotInterval < 1 || retainSnapshots < 1) {
            throw new IllegalArgumentException(
                    "snapshotInterval and retainSnapshots must be >= 1: " + snapshotInterval + ", " + retainSnapshots);
        }
        this.snapshotInterval = snapshotInterval;
        this.retainSnapshots = retainSnapshots;
    }

    /**
     * The state after batch {@code lastCommitted} ({@code -1}: empty).
     *
     * @param fallback told of every snapshot skipped because it could not be read
     * @throws CorruptDataException if a needed delta is damaged or missing
     */
    public SortedMap<String, RunningAggregate> load(long lastCommitted, Consumer<String> fallback) throws IOException {
        List<Long> snapshots = new ArrayList<>(batches(SNAPSHOT));
        Collections.reverse(snapshots);
        SortedMap<String, RunningAggregate> state = new TreeMap<>();
        long base = -1;
        for (long s : snapshots) {
            if (s > lastCommitted) {
                continue;
            }
            try {
                state = read(CheckpointId.of(SNAPSHOT, s)).orElseThrow(() -> new NoSuchFileException("gone"));
                base = s;
                break;
            } catch (CorruptDataException | NoSuchFileException e) {
                fallback.accept("snapshot " + s + " unreadable (" + e.getMessage() + "); trying an older one");
                state = new TreeMap<>();
            }
        }
        for (long b = base + 1; b <= lastCommitted; b++) {
            CheckpointId id = CheckpointId.of(DELTA, b);
            Optional<SortedMap<String, RunningAggregate>> delta = read(id);
            if (delta.isEmpty()) {
                throw new CorruptDataException(
                        id.value(),
                        0,
                        "state delta of committed batch " + b
                                + " is missing, and no readable snapshot at or after it exists");
            }
            state.putAll(delta.get());
        }
        return state;
    }

    /** Writes batch {@code b}'s delta (and a snapshot when due); a re-run batch finds identical ones. */
    public void write(long batch, long epoch, Map<String, RunningAggregate> delta, Map<String, RunningAggregate> full)
            throws IOException {
        put(CheckpointId.of(DELTA, batch), epoch, encode(delta));
        if ((batch + 1) % snapshotInterval == 0) {
            put(CheckpointId.of(SNAPSHOT, batch), epoch, encode(full));
        }
    }

    /**
     * Deletes versions no longer needed after batch {@code committed}: snapshots older than the
     * {@code retainSnapshots} newest, and deltas at or before the oldest snapshot kept.
     *
     * @return the oldest batch whose state is still needed (-1 if everything is kept)
     */
    public long cleanUp(long committed) throws IOException {
        List<Long> snapshots =
                batches(SNAPSHOT).stream().filter(s -> s <= committed).toList();
        if (snapshots.size() < retainSnapshots) {
            return -1;
        }
        long oldestKept = snapshots.get(snapshots.size() - retainSnapshots);
        for (long s : snapshots) {
            if (s < oldestKept) {
                store.delete(CheckpointId.of(SNAPSHOT, s));
            }
        }
        for (long d : batches(DELTA)) {
            if (d <= oldestKept) {
                store.delete(CheckpointId.of(DELTA, d));
            }
        }
        return oldestKept;
    }

    private void put(CheckpointId id, long epoch, byte[] bytes) throws IOException {
        try (CheckpointWriter w = store.begin(id, epoch)) {
            w.writePart(PART, bytes);
            w.commit();
        } catch (AlreadyCommittedException e) {
            Optional<Checkpoint> existing = store.open(id);
            if (existing.isPresent() && !Arrays.equals(existing.get().readPart(PART), bytes)) {
                throw new IllegalStateException(
                        "state " + id + " was already written with different contents: the "
                                + "aggregation is not deterministic for a replayed batch",
                        e);
            }
        }
    }

    private Optional<SortedMap<String, RunningAggregate>> read(CheckpointId id) throws IOException {
        Optional<Checkpoint> c = store.open(id);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(decode(id, c.get().readPart(PART)));
    }

    private List<Long> batches(String prefix) throws IOException {
        return store.list(prefix).stream()
                .map(id -> Long.parseLong(id.name()))
                .sorted()
                .toList();
    }

    static byte[] encode(Map<String, RunningAggregate> state) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(state)
                .forEach((k, v) -> sb.append(k)
                        .append('\t')
                        .append(v.count())
                        .append('\t')
                        .append(v.sum())
                        .append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static SortedMap<String, RunningAggregate> decode(CheckpointId id, byte[] bytes) throws CorruptDataException {
        SortedMap<String, RunningAggregate> out = new TreeMap<>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        int offset = 0;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                offset += 1;
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                out.put(f[0], new RunningAggregate(Long.parseLong(f[1]), Long.parseLong(f[2])));
            } catch (RuntimeException e) {
                throw new CorruptDataException(id.value(), offset, "not a state line: '" + line + "'", e);
            }
            offset += line.length() + 1;
        }
        return out;
    }
}

package dev.lifeboat.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.streaming.StreamingListener.Phase;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingQueryTest {
    static final int RECORDS = 1000;

    @TempDir
    Path dir;

    static String record(long i) {
        return "k" + (i * 7919 % 13) + "," + i;
    }

    static SortedMap<String, RunningAggregate> expected(long n) {
        SortedMap<String, RunningAggregate> out = new TreeMap<>();
        for (long i = 0; i < n; i++) {
            out.merge(
                    "k" + (i * 7919 % 13),
                    new RunningAggregate(1, i),
                    (a, b) -> new RunningAggregate(a.count() + b.count(), a.sum() + b.sum()));
        }
        return out;
    }

    private StreamingQuery.Builder query(Path root, StreamingListener listener) throws Exception {
        return StreamingQuery.builder()
                .checkpoint(root.resolve("checkpoint").toUri(), Map.of())
                .source(new GeneratorSource(StreamingQueryTest::record, RECORDS))
                .sink(new FileSink(root.resolve("out")))
                .maxRecordsPerBatch(70)
                .snapshotInterval(3)
                .retainSnapshots(2)
                .listener(listener);
    }

    private SortedMap<Long, List<String>> faultFree() throws Exception {
        Path root = dir.resolve("fault-free");
        try (StreamingQuery q = query(root, StreamingListener.NONE).open()) {
            q.runUntil(() -> q.committedOffset() == RECORDS);
            assertThat(q.state()).isEqualTo(expected(RECORDS));
        }
        return FileSink.readAll(root.resolve("out"));
    }

    @Test
    void aCrashAtEveryPhaseReRunsThePendingBatchWithTheSameOffsets() throws Exception {
        SortedMap<Long, List<String>> expected = faultFree();
        assertThat(expected).hasSize((RECORDS + 69) / 70);
        Path root = dir.resolve("crashing");
        int crashes = 0;
        for (Phase crashAt : List.of(Phase.OFFSETS, Phase.STATE, Phase.SINK, Phase.COMMITTED)) {
            long target = 2 + crashes * 3L;
            List<String> events = new ArrayList<>();
            try (StreamingQuery q = query(root, (phase, batch, detail) -> {
                        events.add(phase + " " + batch + " " + detail);
                        if (phase == crashAt && batch == target) {
                            throw new IllegalStateException("crash");
                        }
                    })
                    .open()) {
                assertThatThrownBy(() -> q.runUntil(() -> false)).hasMessage("crash");
            }
            assertThat(events).anyMatch(e -> e.startsWith(crashAt + " " + target + " "));
            crashes++;
            List<String> replays = new ArrayList<>();
            try (StreamingQuery q = query(
                            root, (phase, batch, detail) -> replays.add(phase + " " + batch + " " + detail))
                    .open()) {
                q.runBatch();
                if (crashAt != Phase.COMMITTED) {
                    assertThat(replays).anyMatch(e -> e.startsWith("OFFSETS " + target + " replay"));
                }
            }
        }
        try (StreamingQuery q = query(root, StreamingListener.NONE).open()) {
            q.runUntil(() -> q.committedOffset() == RECORDS);
            assertThat(q.state()).isEqualTo(expected(RECORDS));
        }
        assertThat(FileSink.readAll(root.resolve("out"))).isEqualTo(expected);
    }

    @Test
    void recoveryFallsBackPastACorruptSnapshotAndReplaysDeltas() throws Exception {
        Path root = dir.resolve("snapshots");
        try (StreamingQuery q = query(root, StreamingListener.NONE).open()) {
            q.runUntil(() -> q.lastCommittedBatch() == 10);
        }
        URI ckpt = root.resolve("checkpoint").toUri();
        try (var store = Lifeboat.openCheckpointStore(ckpt, Map.of())) {
            // snapshots every 3 batches (2, 5, 8), two kept; deltas after the older one kept
            assertThat(store.list("state/snapshot"))
                    .extracting(Object::toString)
                    .containsExactly("state/snapshot/5", "state/snapshot/8");
            assertThat(store.list("state/delta"))
                    .extracting(Object::toString)
                    .containsExactly(
                            "state/delta/6", "state/delta/7", "state/delta/8", "state/delta/9", "state/delta/10");
        }
        StorageFaults faults = ((SupportsFaultInjection) Lifeboat.checkpointStoreProvider(ckpt)).faults(ckpt, Map.of());
        StoredObject newest = faults.list(StoredKind.CHECKPOINT_PART).stream()
                .filter(o -> o.key().startsWith("state/snapshot/8"))
                .findFirst()
                .orElseThrow();
        faults.flipByte(newest, 1);
        List<String> fallbacks = new ArrayList<>();
        try (StreamingQuery q = query(root, (phase, batch, detail) -> {
                    if (phase == Phase.SNAPSHOT_FALLBACK) {
                        fallbacks.add(detail);
                    }
                })
                .open()) {
            assertThat(fallbacks).singleElement().asString().contains("snapshot 8");
            assertThat(q.state()).isEqualTo(expected(11 * 70));
            q.runUntil(() -> q.committedOffset() == RECORDS);
            assertThat(q.state()).isEqualTo(expected(RECORDS));
        }
    }

    @Test
    void aStaleEpochIsFencedByStorageAndWritesNothing() throws Exception {
        Path root = dir.resolve("fencing");
        try (StreamingQuery q = query(root, StreamingListener.NONE).epoch(2).open()) {
            q.runBatch();
        }
        List<String> events = new ArrayList<>();
        try (StreamingQuery q =
                query(root, (p, b, d) -> events.add(p + " " + d)).epoch(1).open()) {
            assertThatThrownBy(q::runBatch)
                    .isInstanceOf(QueryFencedException.class)
                    .hasMessageContaining("Fenced")
                    .hasMessageContaining("epoch 1")
                    .hasMessageContaining("epoch 2");
            assertThat(q.lastCommittedBatch()).isZero();
        }
        assertThat(events).anyMatch(e -> e.startsWith("FENCED"));
        assertThat(FileSink.readAll(root.resolve("out"))).containsOnlyKeys(0L);
    }

    @Test
    void aLostLeadershipStopsTheQueryBeforeAnySideEffect() throws Exception {
        Path root = dir.resolve("lost");
        try (StreamingQuery q = query(root, StreamingListener.NONE)
                .epoch(1)
                .stillLeader(() -> false)
                .open()) {
            assertThatThrownBy(q::runBatch)
                    .isInstanceOf(QueryFencedException.class)
                    .hasMessageContaining("leadership");
        }
        try (var store = Lifeboat.openCheckpointStore(root.resolve("checkpoint").toUri(), Map.of())) {
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void receivedRecordsSurviveARestartThroughTheWalWhichIsTruncatedAfterCommits() throws Exception {
        Path root = dir.resolve("receiver");
        URI wal = root.resolve("wal").toUri();
        Map<String, String> walOptions = Map.of("segment-bytes", "4096");
        try (ReceiverSource receiver = ReceiverSource.open(wal, walOptions);
                StreamingQuery q = StreamingQuery.builder()
                        .checkpoint(root.resolve("checkpoint").toUri(), Map.of())
                        .source(receiver)
                        .sink(new FileSink(root.resolve("out")))
                        .maxRecordsPerBatch(30)
                        .open()) {
            for (int i = 0; i < 600; i++) {
                receiver.receive(record(i));
            }
            q.runBatch();
            q.runBatch();
            assertThat(q.committedOffset()).isEqualTo(60);
        } // "crash": 540 acknowledged records are only in the WAL
        try (ReceiverSource receiver = ReceiverSource.open(wal, walOptions);
                StreamingQuery q = StreamingQuery.builder()
                        .checkpoint(root.resolve("checkpoint").toUri(), Map.of())
                        .source(receiver)
                        .sink(new FileSink(root.resolve("out")))
                        .maxRecordsPerBatch(30)
                        .open()) {
            assertThat(receiver.latestOffset()).isEqualTo(600);
            q.runUntil(() -> q.committedOffset() == 600);
            assertThat(q.state()).isEqualTo(expected(600));
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(wal, walOptions)) {
                assertThat(reader.first().orElseThrow().lsn()).isGreaterThan(300);
            }
        }
    }

    @Test
    void aTransactionalSinkSkipsBatchesItAlreadyCommitted() throws Exception {
        List<String> committed = new ArrayList<>();
        long[] last = {-1};
        TransactionalSink ts = new TransactionalSink() {
            @Override
            public long lastCommittedBatch() {
                return last[0];
            }

            @Override
            public Transaction begin(long batchId, long epoch) {
                List<String> rows = new ArrayList<>();
                return new Transaction() {
                    @Override
                    public void write(String row) {
                        rows.add(row);
                    }

                    @Override
                    public void commit() {
                        committed.addAll(rows);
                        last[0] = batchId;
                    }

                    @Override
                    public void close() {}
                };
            }
        };
        Sink sink = TransactionalSink.asSink(ts);
        sink.addBatch(0, 0, List.of("a,1,1"));
        sink.addBatch(0, 0, List.of("a,1,1"));
        sink.addBatch(1, 0, List.of("a,2,2"));
        assertThat(committed).containsExactly("a,1,1", "a,2,2");
    }
}

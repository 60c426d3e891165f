package dev.lifeboat.backend.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.LossScope;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The public fault hooks, as a user's test would use them, and how {@code mem:} URIs name stores. */
class MemFaultsTest {
    private final URI uri = URI.create("mem:faults-test/" + UUID.randomUUID());
    private final MemFaults faults = MemFaults.of(uri);

    @AfterEach
    void drop() {
        MemStores.drop(uri);
    }

    @Test
    void urisWithAndWithoutSlashesNameOneStore() throws IOException {
        assertThat(MemStores.name(URI.create("mem:orders"))).isEqualTo("orders");
        assertThat(MemStores.name(URI.create("mem://orders/"))).isEqualTo("orders");
        assertThat(MemStores.name(URI.create("mem:///orders"))).isEqualTo("orders");
        assertThat(MemStores.name(URI.create("mem://tests/orders"))).isEqualTo("tests/orders");
        for (String bad : List.of("mem:", "mem:///", "mem:x?a=1", "mem:x#f", "file:/x")) {
            assertThatThrownBy(() -> MemStores.name(URI.create(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        URI a = URI.create("mem:faults-test-same");
        URI b = URI.create("mem://faults-test-same");
        try {
            try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(a, Map.of())) {
                wal.write(bytes("one"), 1);
            }
            try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(b, Map.of())) {
                assertThat(wal.recovery().nextLsn())
                        .as("the log reopened through the other spelling")
                        .isEqualTo(1);
            }
            assertThat(MemStores.drop(a)).isTrue();
            try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(b, Map.of())) {
                assertThat(wal.recovery().nextLsn())
                        .as("a dropped store starts empty")
                        .isZero();
            }
        } finally {
            MemStores.drop(a);
        }
    }

    @Test
    void droppedAndTornRecordsAreWhatReopeningFinds() throws IOException {
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of())) {
            for (int i = 0; i < 5; i++) {
                wal.write(bytes("record-" + i), i);
            }
        }
        assertThat(faults.dropLastRecord()).contains(RecordHandle.of(4));
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of())) {
            assertThat(wal.recovery().tornTail())
                    .as("a dropped record leaves no trace")
                    .isEmpty();
            assertThat(wal.recovery().nextLsn()).isEqualTo(4);
        }
        assertThat(faults.tearLastRecord()).contains(RecordHandle.of(3));
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of())) {
            assertThat(wal.recovery().tornTail())
                    .as("a torn record is reported")
                    .isPresent();
            assertThat(wal.recovery().nextLsn()).isEqualTo(3);
            assertThat(texts(wal)).containsExactly("record-0", "record-1", "record-2");
        }
        faults.corruptRecord(RecordHandle.of(1));
        assertThatThrownBy(() -> {
                    try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of())) {
                        texts(wal);
                    }
                })
                .isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> faults.corruptRecord(RecordHandle.of(99))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void droppingARecordAfterATornFirstRecordOfASegmentLeavesAConsistentLog() throws IOException {
        Map<String, String> small = Map.of("segment-bytes", "4KiB");
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, small)) {
            for (int i = 0; i < 20; i++) {
                wal.write(ByteBuffer.wrap(new byte[1000]), i);
            }
        }
        faults.tearLastRecord(); // the last segment holds lsn 19 alone: it is cut to nothing on reopen
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, small)) {
            assertThat(wal.recovery().nextLsn()).isEqualTo(19);
        }
        assertThat(faults.dropLastRecord()).contains(RecordHandle.of(18));
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, small)) {
            assertThat(wal.recovery().tornTail()).isEmpty();
            assertThat(wal.recovery().nextLsn()).isEqualTo(18);
            assertThat(wal.write(bytes("after"), 99)).isEqualTo(RecordHandle.of(18));
        }
    }

    @Test
    void aFailedLogWriteFailsTheLogUntilItIsReopened() throws IOException {
        WriteAheadLog failed = Lifeboat.openWriteAheadLog(uri, Map.of());
        failed.write(bytes("kept"), 1);
        faults.failNextCalls(1);
        assertThatThrownBy(() -> failed.write(bytes("lost"), 2)).hasMessageContaining("injected");
        assertThatThrownBy(() -> failed.write(bytes("after"), 3)).isInstanceOf(IOException.class);
        assertThatThrownBy(failed::close)
                .as("closing a failed log reports the failure")
                .isInstanceOf(IOException.class);
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of())) {
            assertThat(texts(wal)).containsExactly("kept");
            assertThat(wal.write(bytes("again"), 4)).isEqualTo(RecordHandle.of(1));
        }
    }

    @Test
    void bytesCutOffTheEndOfTheLogAreATornTail() throws IOException {
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of())) {
            wal.write(bytes("first"), 1);
            wal.write(bytes("second"), 2);
        }
        assertThat(faults.cutLogBytes(3)).isEqualTo(3);
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, Map.of())) {
            assertThat(wal.recovery().tornTail()).isPresent();
            assertThat(wal.recovery().tornTail().get().discardedBytes()).isEqualTo(32 + 6 - 3);
            assertThat(texts(wal)).containsExactly("first");
        }
        assertThatThrownBy(() -> faults.cutLogBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failNextCallsFailsExactlyThatManyCalls() throws IOException {
        try (CheckpointStore store = Lifeboat.openCheckpointStore(uri, Map.of())) {
            faults.failNextCalls(2);
            assertThatThrownBy(() -> store.list(""))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("injected")
                    .hasMessageContaining("1 more");
            assertThatThrownBy(() -> store.open(CheckpointId.of("a")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("0 more");
            assertThat(store.list("")).as("the third call").isEmpty();
            faults.failNextCalls(1);
            try (CheckpointWriter w = store.begin(CheckpointId.of("a"))) {
                assertThatThrownBy(() -> w.writePart("p", new byte[] {1})).isInstanceOf(IOException.class);
            }
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void lostAndDamagedPartsAreReported() throws IOException {
        CheckpointId id = CheckpointId.of("state/1");
        try (CheckpointStore store = Lifeboat.openCheckpointStore(uri, Map.of())) {
            try (CheckpointWriter w = store.begin(id)) {
                w.writePart("a", new byte[100]);
                w.writePart("b", new byte[100]);
                w.commit();
            }
            faults.corruptPart(id, "a");
            faults.losePart(id, "b");
            assertThatThrownBy(() -> store.open(id).orElseThrow().readPart("a"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("state/1");
            assertThatThrownBy(() -> store.open(id).orElseThrow().readPart("b"))
                    .isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void lostMapOutputAndCorruptBlockAreUnavailable() throws IOException {
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(uri, Map.of())) {
            MapStatus lost = write(store, MapOutputId.of(0, 1, 0));
            MapStatus damaged = write(store, MapOutputId.of(0, 2, 0));
            assertThat(faults.loseMapOutput(0, 1)).isTrue();
            faults.corruptBlock(damaged, 1);
            BlockUnavailableException e = catchUnavailable(store, lost, 0);
            assertThat(e.scope()).isEqualTo(LossScope.MAP_OUTPUT);
            assertThat(e.blockId()).isEqualTo(lost.blockId(0));
            assertThat(store.readBlock(damaged, 0)).as("the undamaged block").hasSize(1000);
            assertThat(catchUnavailable(store, damaged, 1).blockId()).isEqualTo(damaged.blockId(1));
        }
    }

    @Test
    void expiredLeaderLosesItsSessionAndTheNextLeadsWithAGreaterEpoch() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (LeaderElection election = Lifeboat.openLeaderElection(uri, Map.of());
                Candidate a = election.join("a", listener("a", events));
                Candidate b = election.join("b", listener("b", events))) {
            assertThat(a.awaitLeadership(Duration.ofSeconds(5))).isTrue();
            long first = a.leadership().orElseThrow().epoch();
            assertThat(faults.expireLeader()).contains("a");
            assertThat(a.isLeader()).isFalse();
            assertThat(b.awaitLeadership(Duration.ofSeconds(5))).isTrue();
            assertThat(b.leadership().orElseThrow().epoch()).isGreaterThan(first);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (events.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(events).containsExactly("a elected", "a lost " + LossReason.SESSION_LOST, "b elected");
        }
    }

    private static LeadershipListener listener(String who, List<String> events) {
        return new LeadershipListener() {
            @Override
            public void elected(Leadership leadership) {
                events.add(who + " elected");
            }

            @Override
            public void lost(Leadership leadership, LossReason reason) {
                events.add(who + " lost " + reason);
            }
        };
    }

    private static MapStatus write(ShuffleBlockStore store, MapOutputId id) throws IOException {
        try (MapOutputWriter w = store.openMapOutput(id, 2)) {
            w.writePartition(0, new byte[1000]);
            w.writePartition(1, new byte[1000]);
            return w.commit();
        }
    }

    private static BlockUnavailableException catchUnavailable(ShuffleBlockStore store, MapStatus status, int r) {
        try {
            store.readBlock(status, r);
        } catch (BlockUnavailableException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError("expected BlockUnavailableException", e);
        }
        throw new AssertionError("block " + r + " of " + status + " read without error");
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(WriteAheadLog wal) throws IOException {
        List<String> out = new ArrayList<>();
        try (CloseableIterator<LogRecord> it = wal.replayAll()) {
            while (it.hasNextChecked()) {
                out.add(new String(it.nextChecked().bytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}

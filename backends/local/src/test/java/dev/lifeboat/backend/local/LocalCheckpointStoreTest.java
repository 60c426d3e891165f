package dev.lifeboat.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.common.checkpoint.Attempts;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCheckpointStoreTest {
    @TempDir
    Path dir;

    private URI uri;
    private CheckpointStore store;

    @BeforeEach
    void open() throws IOException {
        uri = dir.resolve("store").toUri();
        store = Lifeboat.openCheckpointStore(uri, Map.of());
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void idsThatWouldCollideInANaiveLayoutLiveSideBySide() throws IOException {
        List<String> ids = List.of("a", "a/b", "a/manifest", "x.ckpt", "x.ckpt/y", "A", "a/b/c");
        for (String id : ids) {
            commit(store, id, 0, "payload of " + id);
        }
        assertThat(store.list(""))
                .extracting(CheckpointId::value)
                .containsExactly("A", "a", "a/b", "a/b/c", "a/manifest", "x.ckpt", "x.ckpt/y");
        for (String id : ids) {
            assertThat(read(store, id)).isEqualTo("payload of " + id);
        }
        assertThat(store.list("a")).extracting(CheckpointId::value).containsExactly("a", "a/b", "a/b/c", "a/manifest");
        assertThat(store.list("a/")).extracting(CheckpointId::value).containsExactly("a/b", "a/b/c", "a/manifest");
        assertThat(store.list("x.ckpt")).extracting(CheckpointId::value).containsExactly("x.ckpt", "x.ckpt/y");
        assertThat(store.latest("a")).contains(CheckpointId.of("a/manifest"));

        assertThat(store.delete(CheckpointId.of("a"))).isTrue();
        assertThat(store.delete(CheckpointId.of("a"))).isFalse();
        assertThat(store.open(CheckpointId.of("a"))).isEmpty();
        assertThat(read(store, "a/b")).isEqualTo("payload of a/b");
        assertThat(store.list("a")).extracting(CheckpointId::value).containsExactly("a/b", "a/b/c", "a/manifest");
    }

    @Test
    void partsWrittenInWritesOfEverySizeReadBackByteForByte() throws IOException {
        // Single bytes, writes that straddle the part stream's 64 KiB buffer, writes larger than
        // it, and a second and third part that reuse the buffer after the first.
        byte[] source = new byte[400_000];
        new java.util.Random(7).nextBytes(source);
        int[] sizes = {1, 1, 100, 65_535, 2, 65_536, 3, 70_000, 1, 40_000, 65_537, 12};
        CheckpointWriter w = store.begin(CheckpointId.of("sizes"));
        for (String part : List.of("a", "b", "c")) {
            try (OutputStream out = w.openPart(part)) {
                int at = 0;
                for (int size : sizes) {
                    if (size == 1) {
                        out.write(source[at]);
                    } else {
                        out.write(source, at, size);
                    }
                    at += size;
                }
            }
        }
        CheckpointInfo info = w.commit();
        int total = java.util.Arrays.stream(sizes).sum();
        byte[] expected = java.util.Arrays.copyOf(source, total);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(expected);
        Checkpoint c = store.open(CheckpointId.of("sizes")).orElseThrow();
        for (String part : List.of("a", "b", "c")) {
            assertThat(info.part(part).orElseThrow().length()).isEqualTo(total);
            assertThat(info.part(part).orElseThrow().crc32c()).isEqualTo((int) crc.getValue());
            try (var in = c.openPart(part)) {
                assertThat(in.readAllBytes()).as(part).isEqualTo(expected);
            }
        }
    }

    @Test
    void listOrdersNumericallyAndRejectsBadPrefixes() throws IOException {
        for (int n : new int[] {10, 9, 100, 1}) {
            commit(store, "offsets/" + n, 0, "x");
        }
        assertThat(store.list("offsets"))
                .extracting(CheckpointId::value)
                .containsExactly("offsets/1", "offsets/9", "offsets/10", "offsets/100");
        assertThat(store.list("offsets2")).isEmpty();
        assertThatThrownBy(() -> store.list("../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("../etc");
    }

    @Test
    void secondCommitOfAnIdLosesAndLeavesNoBytes() throws IOException {
        commit(store, "batch/1", 0, "first");
        CheckpointWriter second = store.begin(CheckpointId.of("batch/1"));
        second.writePart("data", bytes("second"));
        assertThatThrownBy(second::commit).isInstanceOf(AlreadyCommittedException.class);
        second.close();
        assertThat(read(store, "batch/1")).isEqualTo("first");
        assertThat(attemptDirs()).hasSize(1);
    }

    @Test
    void concurrentCommitsOfOneIdHaveExactlyOneWinner() throws Exception {
        int writers = 8;
        try (CheckpointStore other = Lifeboat.openCheckpointStore(uri, Map.of())) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                for (int round = 0; round < 10; round++) {
                    CountDownLatch start = new CountDownLatch(1);
                    String id = "race/" + round;
                    List<Future<String>> results = new ArrayList<>();
                    for (int w = 0; w < writers; w++) {
                        CheckpointStore s = w % 2 == 0 ? store : other; // two stores on one root, one JVM
                        String payload = "writer " + w;
                        results.add(pool.submit((Callable<String>) () -> {
                            try (CheckpointWriter writer = s.begin(CheckpointId.of(id))) {
                                writer.writePart("data", bytes(payload));
                                start.await();
                                writer.commit();
                                return payload;
                            } catch (AlreadyCommittedException e) {
                                return "";
                            }
                        }));
                    }
                    start.countDown();
                    List<String> winners = new ArrayList<>();
                    for (Future<String> f : results) {
                        String r = f.get();
                        if (!r.isEmpty()) {
                            winners.add(r);
                        }
                    }
                    assertThat(winners).hasSize(1);
                    assertThat(read(store, id)).isEqualTo(winners.get(0));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(attemptDirs()).hasSize(10);
    }

    @Test
    void staleEpochsAreFencedAndEpochZeroIsNever() throws IOException {
        commit(store, "e/1", 5, "x");
        assertThatThrownBy(() -> commit(store, "e/2", 3, "x")).isInstanceOfSatisfying(FencedException.class, e -> {
            assertThat(e.writerEpoch()).isEqualTo(3);
            assertThat(e.currentEpoch()).isEqualTo(5);
        });
        assertThat(store.open(CheckpointId.of("e/2"))).isEmpty();
        commit(store, "e/3", 0, "unfenced");
        commit(store, "e/4", 5, "same epoch");
        CheckpointInfo info = commit(store, "e/5", 7, "newer");
        assertThat(info.epoch()).isEqualTo(7);
        store.close();

        store = Lifeboat.openCheckpointStore(uri, Map.of()); // the epoch is kept on disk
        assertThatThrownBy(() -> commit(store, "e/6", 6, "x")).isInstanceOf(FencedException.class);
        store.delete(CheckpointId.of("e/5")); // deleting never lowers the epoch
        assertThatThrownBy(() -> commit(store, "e/6", 6, "x")).isInstanceOf(FencedException.class);
        assertThat(store.list("e")).extracting(CheckpointId::value).containsExactly("e/1", "e/3", "e/4");
        assertThat(attemptDirs()).hasSize(3);
    }

    @Test
    void garbageCollectionRemovesOnlyOldUncommittedAttempts() throws IOException {
        commit(store, "kept", 0, "committed");
        Path crashedOld = abandonedAttempt(System.currentTimeMillis() - 3_600_000);
        Path crashedYoung = abandonedAttempt(System.currentTimeMillis());
        CheckpointWriter live = store.begin(CheckpointId.of("live"));
        live.writePart("data", bytes("still writing"));

        assertThat(store.collectGarbage(Duration.ofMinutes(30))).isEqualTo(1);
        assertThat(crashedOld).doesNotExist();
        assertThat(crashedYoung).exists();

        // age is the only protection: a writer of this JVM that is older than minAge is collected too
        assertThat(store.collectGarbage(Duration.ZERO)).isEqualTo(2);
        assertThat(crashedYoung).doesNotExist();
        assertThat(read(store, "kept")).isEqualTo("committed");
        assertThatThrownBy(live::commit).isInstanceOf(IOException.class).hasMessageContaining(live.attemptId());
        assertThat(store.open(CheckpointId.of("live"))).isEmpty();
        assertThat(store.collectGarbage(Duration.ZERO)).isZero();
        assertThat(dir.resolve("store/trash").toFile().list()).isEmpty();
    }

    @Test
    void anInterruptedDeleteIsFinishedByGarbageCollection() throws IOException {
        commit(store, "d", 0, "x");
        // a delete that stopped after removing the commit point
        try (Stream<Path> files = Files.walk(dir.resolve("store/committed"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        assertThat(store.list("")).isEmpty();
        assertThat(store.collectGarbage(Duration.ZERO)).isEqualTo(1);
        assertThat(attemptDirs()).isEmpty();
    }

    @Test
    void anAttemptCollectedWhileItsWriterWasSlowCannotCommit() throws IOException {
        CheckpointWriter w = store.begin(CheckpointId.of("slow"));
        w.writePart("p", bytes("x"));
        // another process's garbage collection took the attempt (simulated: it moved the folder away)
        Files.move(dir.resolve("store/attempts").resolve(w.attemptId()), dir.resolve("store/trash/gone"));
        assertThatThrownBy(w::commit).isInstanceOf(IOException.class).hasMessageContaining(w.attemptId());
        assertThat(store.open(CheckpointId.of("slow"))).isEmpty();
    }

    @Test
    void closingAWriterWithoutCommitRemovesItsAttempt() throws IOException {
        try (CheckpointWriter w = store.begin(CheckpointId.of("aborted"))) {
            w.writePart("a", bytes("1"));
            w.openPart("b").write(1); // left open on purpose
        }
        assertThat(attemptDirs()).isEmpty();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void closingTheStoreAbortsItsWriters() throws IOException {
        CheckpointWriter w = store.begin(CheckpointId.of("open"));
        w.writePart("a", bytes("1"));
        store.close();
        assertThat(attemptDirs()).isEmpty();
        assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.list("")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void partsAreStreamedToDiskNotBuffered() throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (CheckpointWriter w = store.begin(CheckpointId.of("big"))) {
            try (OutputStream out = w.openPart("p")) {
                for (int i = 0; i < 16; i++) {
                    chunk[0] = (byte) i;
                    out.write(chunk);
                }
                Path part = dir.resolve("store/attempts").resolve(w.attemptId()).resolve("parts/p.part");
                assertThat(Files.size(part)).isGreaterThanOrEqualTo(15L << 20);
            }
            CheckpointInfo info = w.commit();
            assertThat(info.part("p").orElseThrow().length()).isEqualTo(16L << 20);
        }
        assertThat(store.open(CheckpointId.of("big")).orElseThrow().readPart("p"))
                .hasSize(16 << 20);
    }

    @Test
    void damagedPartsFailNamingTheCheckpointAndPart() throws IOException {
        commit(store, "dmg/1", 0, "some bytes worth protecting");
        StorageFaults faults = new LocalCheckpointStoreProvider().faults(uri, Map.of());
        List<StoredObject> parts = faults.list(StoredKind.CHECKPOINT_PART);
        assertThat(parts).extracting(StoredObject::key).containsExactly("dmg/1/data");
        faults.flipByte(parts.get(0), 3);
        Checkpoint c = store.open(CheckpointId.of("dmg/1")).orElseThrow();
        assertThatThrownBy(() -> c.readPart("data"))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("dmg/1")
                .hasMessageContaining("'data'");

        List<StoredObject> manifests = faults.list(StoredKind.CHECKPOINT_MANIFEST);
        assertThat(manifests).extracting(StoredObject::key).containsExactly("dmg/1");
        faults.flipByte(manifests.get(0), 10);
        assertThatThrownBy(() -> store.open(CheckpointId.of("dmg/1"))).isInstanceOf(CorruptDataException.class);
        assertThat(store.list("")).extracting(CheckpointId::value).containsExactly("dmg/1");
    }

    @Test
    void badUrisAreRejectedNamingTheProblem() {
        CheckpointStoreProviderCheck.rejects("file:relative/dir", "hierarchical");
        CheckpointStoreProviderCheck.rejects("file://host/dir", "authority");
        CheckpointStoreProviderCheck.rejects("file:///dir?x=1", "query");
        CheckpointStoreProviderCheck.rejects("file:///dir#frag", "fragment");
        assertThatThrownBy(() -> Lifeboat.openCheckpointStore(uri, Map.of("lock-timeout", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lock-timeout");
    }

    private static final class CheckpointStoreProviderCheck {
        static void rejects(String uri, String problem) {
            assertThatThrownBy(() -> new LocalCheckpointStoreProvider()
                            .open(URI.create(uri), Map.of())
                            .close())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(uri)
                    .hasMessageContaining(problem);
        }
    }

    // ---- helpers

    private static CheckpointInfo commit(CheckpointStore s, String id, long epoch, String payload) throws IOException {
        try (CheckpointWriter w = s.begin(CheckpointId.of(id), epoch)) {
            w.writePart("data", bytes(payload));
            return w.commit();
        }
    }

    private static String read(CheckpointStore s, String id) throws IOException {
        return new String(s.open(CheckpointId.of(id)).orElseThrow().readPart("data"), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Path> attemptDirs() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("store/attempts"))) {
            return s.toList();
        }
    }

    /** The folder a writer that crashed at {@code startMillis} left behind. */
    private Path abandonedAttempt(long startMillis) throws IOException {
        String attempt =
                String.format("%013d", startMillis) + Attempts.newAttemptId().substring(13);
        Path d = dir.resolve("store/attempts").resolve(attempt);
        Files.createDirectories(d.resolve("parts"));
        Files.write(d.resolve("parts/p.part"), bytes("half"));
        return d;
    }
}

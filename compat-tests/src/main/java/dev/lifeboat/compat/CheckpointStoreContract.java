package dev.lifeboat.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.compat.internal.CheckpointCrashChild;
import dev.lifeboat.compat.internal.ChildArgs;
import dev.lifeboat.compat.internal.ChildJvm;
import dev.lifeboat.compat.internal.Payloads;
import dev.lifeboat.compat.internal.Seeds;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link CheckpointStore} backend keeps: atomic, put-if-absent, verified
 * commits; natural ordering of ids; garbage collection of abandoned attempts; epoch fencing
 * where declared. A backend's test extends this class and supplies its provider, a fresh root
 * per call and its options, as {@link BackendContract} shows; the tests every contract shares
 * (discovery, an unknown option key, capabilities) come from there.
 *
 * <p>Stores are opened through {@link Lifeboat} with {@link #options()}. Damage tests need a
 * provider that implements {@link dev.lifeboat.spi.fault.SupportsFaultInjection}; the crash test
 * runs {@link CheckpointCrashChild} in a child JVM and kills it with {@code SIGKILL}.
 *
 * <p>One long class on purpose, as Micrometer's {@code MeterRegistryCompatibilityKit} is: a
 * backend's test extends exactly one class per contract and inherits every test, {@code lifeboat
 * tck} and the capability matrix count the tests per contract class, and a split would make every
 * backend author extend several classes and keep them in step. Its child processes, payloads and
 * fault hooks live in {@code compat.internal}; what stays here is one test method per guarantee.
 */
public abstract non-sealed class CheckpointStoreContract
        extends BackendContract<CheckpointStoreProvider, CheckpointStore> {
    private static final long SEED = 0xC4EC_9017L;
    private static final Duration CHILD_START = Duration.ofSeconds(60);
    private static final Duration CHILD_PROGRESS = Duration.ofSeconds(60);

    @Override
    final CheckpointStoreProvider discoveredProvider(URI uri) {
        return Lifeboat.checkpointStoreProvider(uri);
    }

    @Override
    final CheckpointStore openThroughLifeboat(URI root, Map<String, String> options) throws IOException {
        return Lifeboat.openCheckpointStore(root, options);
    }

    @Override
    final Set<Capability> capabilitiesOf(CheckpointStore store) {
        return store.capabilities();
    }

    // ---------------------------------------------------------------- commit

    @Test
    public void newStoreIsEmpty() throws IOException {
        try (CheckpointStore store = openStore(newRoot())) {
            assertThat(store.list("")).isEmpty();
            assertThat(store.latest("")).isEmpty();
            assertThat(store.open(CheckpointId.of("rdd-1"))).isEmpty();
            assertThat(store.collectGarbage(Duration.ZERO)).isZero();
        }
    }

    @Test
    public void commitPublishesAllPartsAtOnce() throws IOException {
        URI root = newRoot();
        CheckpointId id = CheckpointId.of("state/op-0/v-1");
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("part-0", bytes(0, 10_000));
        parts.put("part-1", new byte[0]);
        parts.put("nested/part-2", bytes(2, 70_000));
        try (CheckpointStore store = openStore(root);
                CheckpointStore other = openStore(root)) {
            CheckpointInfo info;
            try (CheckpointWriter writer = store.begin(id)) {
                assertThat(writer.id()).isEqualTo(id);
                assertThat(writer.attemptId()).isNotBlank();
                for (Map.Entry<String, byte[]> part : parts.entrySet()) {
                    writer.writePart(part.getKey(), part.getValue());
                    assertThat(store.open(id))
                            .as("checkpoint before commit, after part %s", part.getKey())
                            .isEmpty();
                    assertThat(other.open(id))
                            .as("checkpoint before commit, seen by another instance")
                            .isEmpty();
                    assertThat(store.list("")).as("ids listed before commit").isEmpty();
                }
                info = writer.commit();
                assertThat(info.id()).isEqualTo(id);
                assertThat(info.attemptId()).isEqualTo(writer.attemptId());
                assertThat(info.epoch()).isZero();
            }
            assertThat(info.parts())
                    .as("parts in the order written")
                    .extracting(PartInfo::name)
                    .containsExactlyElementsOf(parts.keySet());
            for (Map.Entry<String, byte[]> part : parts.entrySet()) {
                PartInfo p = info.part(part.getKey()).orElseThrow();
                assertThat(p.length()).as("length of %s", part.getKey()).isEqualTo(part.getValue().length);
                assertThat(p.crc32c()).as("CRC32C of %s", part.getKey()).isEqualTo(Payloads.crc32c(part.getValue()));
            }
            for (CheckpointStore reader : List.of(store, other)) {
                Checkpoint checkpoint = reader.open(id).orElseThrow();
                assertThat(checkpoint.info()).isEqualTo(info);
                for (Map.Entry<String, byte[]> part : parts.entrySet()) {
                    assertThat(checkpoint.readPart(part.getKey()))
                            .as("part %s", part.getKey())
                            .isEqualTo(part.getValue());
                }
                assertThatThrownBy(() -> checkpoint.openPart("no-such-part").close())
                        .isInstanceOf(NoSuchFileException.class);
                assertThat(reader.list("")).containsExactly(id);
            }
        }
        try (CheckpointStore reopened = openStore(root)) {
            assertThat(reopened.open(id).orElseThrow().readPart("nested/part-2"))
                    .isEqualTo(parts.get("nested/part-2"));
        }
    }

    @Test
    public void commitRecordsTheWritersEpoch() throws IOException {
        try (CheckpointStore store = openStore(newRoot())) {
            CheckpointInfo info = commit(store, CheckpointId.of("offsets/0"), 7, Map.of("p", bytes(1, 10)));
            assertThat(info.epoch()).isEqualTo(7);
            assertThat(store.open(CheckpointId.of("offsets/0"))
                            .orElseThrow()
                            .info()
                            .epoch())
                    .isEqualTo(7);
            assertThatThrownBy(
                            () -> store.begin(CheckpointId.of("offsets/1"), -1).close())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    public void abandonedWriterLeavesNothingVisibleAndIsCollected() throws IOException {
        URI root = newRoot();
        CheckpointId id = CheckpointId.of("rdd-3");
        try (CheckpointStore store = openStore(root)) {
            try (CheckpointWriter writer = store.begin(id)) {
                writer.writePart("part-0", bytes(0, 50_000));
                writer.writePart("part-1", bytes(1, 50_000));
                // closed without commit: aborted
            }
            assertThat(store.open(id)).isEmpty();
            assertThat(store.list("")).isEmpty();
            store.collectGarbage(Duration.ZERO);
            assertNoParts(root, "after an aborted attempt and collectGarbage");

            // A writer that is never closed, as if its process died.
            CheckpointWriter crashed = store.begin(id);
            crashed.writePart("part-0", bytes(0, 50_000));
            try (OutputStream half = crashed.openPart("part-1")) {
                half.write(bytes(1, 20_000));
            }
            try (CheckpointStore other = openStore(root)) {
                assertThat(other.collectGarbage(Duration.ofHours(1)))
                        .as("an attempt younger than minAge is kept")
                        .isZero();
                assertThat(other.collectGarbage(Duration.ZERO))
                        .as("abandoned attempts removed")
                        .isEqualTo(1);
                assertThat(other.open(id)).isEmpty();
            }
            assertNoParts(root, "after collectGarbage(ZERO) removed the abandoned attempt");
            Throwable unused =
                    catchThrowable(crashed::close); // its parts are gone; whatever it says, nothing may appear

            CheckpointInfo info = commit(store, id, 0, Map.of("part-0", bytes(9, 100)));
            assertThat(info.parts()).extracting(PartInfo::name).containsExactly("part-0");
            assertThat(store.open(id).orElseThrow().readPart("part-0")).isEqualTo(bytes(9, 100));
        }
    }

    @Test
    public void committingACommittedIdFailsAndKeepsTheFirst() throws IOException {
        try (CheckpointStore store = openStore(newRoot())) {
            CheckpointId id = CheckpointId.of("commits/4");
            CheckpointInfo first = commit(store, id, 0, Map.of("p", bytes(1, 1000)));
            try (CheckpointWriter second = store.begin(id)) {
                second.writePart("p", bytes(2, 1000));
                second.writePart("q", bytes(3, 1000));
                AlreadyCommittedException e = catchThrowableOfType(second::commit, AlreadyCommittedException.class);
                assertThat(e.id()).isEqualTo(id);
                assertThatThrownBy(second::commit)
                        .as("commit after a failed commit")
                        .isInstanceOf(IllegalStateException.class);
            }
            Checkpoint checkpoint = store.open(id).orElseThrow();
            assertThat(checkpoint.info()).isEqualTo(first);
            assertThat(checkpoint.readPart("p")).isEqualTo(bytes(1, 1000));
        }
    }

    @Test
    public void eightWritersRacingToCommitOneIdHaveExactlyOneWinner() throws Exception {
        URI root = newRoot();
        int writers = 8;
        try (CheckpointStore store = openStore(root)) {
            for (int round = 0; round < 3; round++) {
                CheckpointId id = CheckpointId.of("offsets", round);
                CyclicBarrier barrier = new CyclicBarrier(writers);
                List<Object> outcomes = new ArrayList<>();
                List<String> attempts = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    outcomes.add(null);
                    attempts.add(null);
                    int writer = w;
                    Thread t = new Thread(
                            () -> {
                                Object outcome;
                                try (CheckpointWriter cw = store.begin(id)) {
                                    attempts.set(writer, cw.attemptId());
                                    cw.writePart("data", bytes(writer, 5000 + writer));
                                    barrier.await(60, TimeUnit.SECONDS);
                                    outcome = cw.commit();
                                } catch (Throwable e) {
                                    outcome = e;
                                }
                                synchronized (outcomes) {
                                    outcomes.set(writer, outcome);
                                }
                            },
                            "checkpoint-contract-writer-" + w);
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
                int winner = -1;
                synchronized (outcomes) {
                    for (int w = 0; w < writers; w++) {
                        Object o = outcomes.get(w);
                        if (o instanceof CheckpointInfo) {
                            assertThat(winner)
                                    .as("round %d: a second winner, writer %d", round, w)
                                    .isEqualTo(-1);
                            winner = w;
                        } else {
                            assertThat(o)
                                    .as("round %d: outcome of writer %d", round, w)
                                    .isInstanceOf(AlreadyCommittedException.class);
                        }
                    }
                }
                assertThat(winner).as("round %d: a winner", round).isNotNegative();
                Checkpoint checkpoint = store.open(id).orElseThrow();
                assertThat(checkpoint.info().attemptId()).isEqualTo(attempts.get(winner));
                assertThat(checkpoint.readPart("data")).isEqualTo(bytes(winner, 5000 + winner));
            }
            store.collectGarbage(Duration.ZERO);
            Optional<StorageFaults> faults = optionalFaults(root);
            if (faults.isPresent()) {
                assertThat(faults.get().list(StoredKind.CHECKPOINT_PART))
                        .as("parts left after the races")
                        .hasSize(3);
            }
        }
    }

    // ---------------------------------------------------------------- verification

    @Test
    public void bytesAppendedToAPartAreReportedNamingCheckpointAndPart() throws IOException {
        URI root = newRoot();
        StorageFaults faults = faults(root);
        CheckpointId id = CheckpointId.of("state/v-4");
        try (CheckpointStore store = openStore(root)) {
            commit(store, id, 0, Map.of("good", bytes(1, 10_000), "long", bytes(2, 10_000)));
            try {
                faults.append(part(faults, id, "long"), new byte[] {1, 2, 3});
            } catch (UnsupportedOperationException e) {
                org.junit.jupiter.api.Assumptions.abort(
                        "the backend's fault injection cannot append: " + e.getMessage());
            }
            Checkpoint checkpoint = store.open(id).orElseThrow();
            assertThat(checkpoint.readPart("good")).isEqualTo(bytes(1, 10_000));
            CorruptDataException e =
                    catchThrowableOfType(() -> checkpoint.readPart("long"), CorruptDataException.class);
            assertThat(e.getMessage()).as("the error names the checkpoint").contains(id.value());
            assertThat(e.getMessage()).as("the error names the part").contains("long");
        }
    }

    @Test
    public void flippedByteInAPartIsReportedNamingCheckpointAndPart() throws IOException {
        URI root = newRoot();
        StorageFaults faults = faults(root);
        CheckpointId id = CheckpointId.of("state/v-3");
        try (CheckpointStore store = openStore(root)) {
            commit(store, id, 0, Map.of("good", bytes(1, 10_000), "bad", bytes(2, 10_000)));
            StoredObject bad = part(faults, id, "bad");
            faults.flipByte(bad, bad.length() / 2);
            Checkpoint checkpoint = store.open(id).orElseThrow();
            assertThat(checkpoint.readPart("good")).isEqualTo(bytes(1, 10_000));
            CorruptDataException e = catchThrowableOfType(() -> checkpoint.readPart("bad"), CorruptDataException.class);
            assertThat(e.getMessage()).as("the error names the checkpoint").contains(id.value());
            assertThat(e.getMessage()).as("the error names the part").contains("bad");
        }
    }

    @Test
    public void truncatedPartIsReportedAsCorrupt() throws IOException {
        URI root = newRoot();
        StorageFaults faults = faults(root);
        CheckpointId id = CheckpointId.of("state/v-4");
        try (CheckpointStore store = openStore(root)) {
            commit(store, id, 0, Map.of("p", bytes(1, 10_000)));
            StoredObject p = part(faults, id, "p");
            faults.truncate(p, p.length() / 2);
            Checkpoint checkpoint = store.open(id).orElseThrow();
            CorruptDataException e = catchThrowableOfType(() -> checkpoint.readPart("p"), CorruptDataException.class);
            assertThat(e.getMessage()).contains(id.value());
        }
    }

    @Test
    public void damagedManifestIsReportedAsCorrupt() throws IOException {
        URI root = newRoot();
        StorageFaults faults = faults(root);
        CheckpointId id = CheckpointId.of("offsets/12");
        try (CheckpointStore store = openStore(root)) {
            commit(store, id, 0, Map.of("p", bytes(1, 100)));
            List<StoredObject> manifests = faults.list(StoredKind.CHECKPOINT_MANIFEST);
            assertThat(manifests).as("manifests listed by fault injection").isNotEmpty();
            for (StoredObject manifest : manifests) { // the store holds this one checkpoint only
                faults.flipByte(manifest, manifest.length() / 2);
            }
            assertThatThrownBy(() -> store.open(id)).isInstanceOf(CorruptDataException.class);
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    public void quarterGibibytePartIsStreamedNotHeldInMemory() throws IOException {
        long size = 256L << 20;
        int chunk = 1 << 20;
        CheckpointId id = CheckpointId.of("big/1");
        try (CheckpointStore store = openStore(newRoot())) {
            CRC32C written = new CRC32C();
            try (CheckpointWriter writer = store.begin(id)) {
                SplittableRandom random = Payloads.random(SEED, 256);
                byte[] buffer = new byte[chunk];
                try (OutputStream out = writer.openPart("huge")) {
                    for (long done = 0; done < size; done += chunk) {
                        random.nextBytes(buffer);
                        written.update(buffer);
                        out.write(buffer);
                    }
                }
                writer.writePart("small", bytes(3, 10));
                CheckpointInfo info = writer.commit();
                assertThat(info.part("huge").orElseThrow().length()).isEqualTo(size);
                assertThat(info.part("huge").orElseThrow().crc32c()).isEqualTo((int) written.getValue());
            }
            CRC32C read = new CRC32C();
            long total = 0;
            try (InputStream in = store.open(id).orElseThrow().openPart("huge")) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    read.update(buffer, 0, n);
                    total += n;
                }
            }
            assertThat(total).isEqualTo(size);
            assertThat((int) read.getValue()).isEqualTo((int) written.getValue());
        }
    }

    // ---------------------------------------------------------------- ids, listing, deletion

    @Test
    public void listAndLatestUseNaturalOrderWithinAPrefix() throws IOException {
        try (CheckpointStore store = openStore(newRoot())) {
            List<String> ids = List.of(
                    "offsets/10", "offsets/9", "offsets/2", "offsets2/1", "commits/1", "offsets/10/meta", "offsetsx");
            for (String id : ids) {
                commit(store, CheckpointId.of(id), 0, Map.of("p", bytes(id.length(), 10)));
            }
            assertThat(store.list("offsets"))
                    .extracting(CheckpointId::value)
                    .containsExactly("offsets/2", "offsets/9", "offsets/10", "offsets/10/meta");
            assertThat(store.list("offsets/"))
                    .extracting(CheckpointId::value)
                    .containsExactly("offsets/2", "offsets/9", "offsets/10", "offsets/10/meta");
            assertThat(store.list("offsets/10"))
                    .extracting(CheckpointId::value)
                    .containsExactly("offsets/10", "offsets/10/meta");
            assertThat(store.list(""))
                    .containsExactlyElementsOf(
                            ids.stream().map(CheckpointId::of).sorted().collect(Collectors.toList()));
            assertThat(store.list("offs")).as("prefixes match whole segments").isEmpty();
            assertThat(store.list("nothing")).isEmpty();
            assertThat(store.latest("offsets2")).contains(CheckpointId.of("offsets2/1"));
            assertThat(store.latest("commits")).contains(CheckpointId.of("commits/1"));
            assertThat(store.latest("nothing")).isEmpty();
            commit(store, CheckpointId.of("batch/9"), 0, Map.of("p", bytes(0, 1)));
            commit(store, CheckpointId.of("batch/10"), 0, Map.of("p", bytes(0, 1)));
            assertThat(store.latest("batch"))
                    .as("latest by number, not by text")
                    .contains(CheckpointId.of("batch/10"));
        }
    }

    @Test
    public void deleteIsIdempotentAndRemovesTheBytes() throws IOException {
        URI root = newRoot();
        try (CheckpointStore store = openStore(root)) {
            CheckpointId gone = CheckpointId.of("rdd-1");
            CheckpointId kept = CheckpointId.of("rdd-2");
            commit(store, gone, 0, Map.of("a", bytes(1, 1000), "b", bytes(2, 1000)));
            commit(store, kept, 0, Map.of("a", bytes(3, 1000)));
            assertThat(store.delete(gone)).isTrue();
            assertThat(store.open(gone)).isEmpty();
            assertThat(store.list("")).containsExactly(kept);
            assertThat(store.delete(gone)).as("deleting again").isFalse();
            assertThat(store.delete(CheckpointId.of("never"))).isFalse();
            store.collectGarbage(Duration.ZERO);
            assertThat(store.open(kept).orElseThrow().readPart("a")).isEqualTo(bytes(3, 1000));
            Optional<StorageFaults> faults = optionalFaults(root);
            if (faults.isPresent()) {
                assertThat(faults.get().list(StoredKind.CHECKPOINT_PART))
                        .extracting(StoredObject::key)
                        .as("parts left after deleting %s", gone)
                        .containsExactly(kept.value() + "/a");
            }
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "",
                "..",
                ".",
                "a/../b",
                "a/./b",
                "/abs",
                "a//b",
                "a/",
                "a\\b",
                "a\u0000b",
                "a\nb",
                "tab\there",
                "del\u007f",
                "x\uD800",
                "\uDC00y",
                "a/\uD83D",
                "long-\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
            })
    public void invalidIdsAndPartNamesAreRejected(String bad) throws IOException {
        assertThatThrownBy(() -> CheckpointId.of(bad)).isInstanceOf(IllegalArgumentException.class);
        try (CheckpointStore store = openStore(newRoot());
                CheckpointWriter writer = store.begin(CheckpointId.of("ok"))) {
            assertThatThrownBy(() -> writer.openPart(bad).close()).isInstanceOf(IllegalArgumentException.class);
            writer.writePart("fine", bytes(0, 3));
            writer.commit();
            assertThat(store.open(CheckpointId.of("ok")).orElseThrow().info().parts())
                    .extracting(PartInfo::name)
                    .containsExactly("fine");
        }
    }

    /**
     * Ids and part names at the length limit ({@link dev.lifeboat.spi.Names#MAX_BYTES} bytes of
     * UTF-8, {@link dev.lifeboat.spi.Names#MAX_SEGMENT_BYTES} per segment), with characters
     * every backend must escape, commit, list and read back; distinct ids stay distinct; one byte
     * more is refused up front.
     */
    @Test
    public void idsAndPartNamesAtTheLengthLimitWork() throws IOException {
        String seg = "\u00e9".repeat(dev.lifeboat.spi.Names.MAX_SEGMENT_BYTES / 2); // 80 bytes, 40 chars
        String astral = "\uD83D\uDE00".repeat(dev.lifeboat.spi.Names.MAX_SEGMENT_BYTES / 4); // 80 bytes
        String tail = "Z".repeat(dev.lifeboat.spi.Names.MAX_BYTES - 2 * dev.lifeboat.spi.Names.MAX_SEGMENT_BYTES - 2);
        CheckpointId longest = CheckpointId.of(seg + "/" + astral + "/" + tail);
        CheckpointId sibling = CheckpointId.of(seg + "/" + astral + "/" + tail.substring(1) + "z");
        String part = astral + "/" + seg + "/" + "P".repeat(dev.lifeboat.spi.Names.MAX_BYTES - 162);
        try (CheckpointStore store = openStore(newRoot())) {
            commit(store, longest, 0, Map.of(part, bytes(1, 100)));
            commit(store, sibling, 0, Map.of("p", bytes(2, 100)));
            assertThat(store.list("")).containsExactlyInAnyOrder(longest, sibling);
            assertThat(store.list(seg + "/" + astral)).containsExactlyInAnyOrder(longest, sibling);
            assertThat(store.open(longest).orElseThrow().readPart(part)).isEqualTo(bytes(1, 100));
            assertThat(store.open(sibling).orElseThrow().readPart("p")).isEqualTo(bytes(2, 100));
            assertThatThrownBy(() -> CheckpointId.of(seg + "\u00e9")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CheckpointId.of(longest.value() + "Z"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.delete(longest)).isTrue();
            assertThat(store.list("")).containsExactly(sibling);
        }
    }

    // ---------------------------------------------------------------- misuse

    /** The null-argument rule of {@code dev.lifeboat.spi}: a NullPointerException naming the parameter. */
    @Test
    public void nullArgumentsAreNullPointerExceptionsNamingTheParameter() throws IOException {
        Map<String, String> nullKey = new HashMap<>(optionsWith(Map.of()));
        nullKey.put(null, "1");
        nullKey.put("no-such-option", "2");
        assertThatThrownBy(
                        () -> Lifeboat.openCheckpointStore(newRoot(), nullKey).close())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null key");
        assertThatThrownBy(() -> Lifeboat.openCheckpointStore(newRoot(), null).close())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> Lifeboat.openCheckpointStore(null, options()).close())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("uri");
        assertThatThrownBy(() -> CheckpointId.of(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null");
        try (CheckpointStore store = openStore(newRoot())) {
            assertThatThrownBy(() -> store.begin(null, 1))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("id");
            assertThatThrownBy(() -> store.open(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("id");
            assertThatThrownBy(() -> store.delete(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("id");
            assertThatThrownBy(() -> store.list(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("prefix");
            assertThatThrownBy(() -> store.collectGarbage(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("minAge");
            try (CheckpointWriter writer = store.begin(CheckpointId.of("n"))) {
                assertThatThrownBy(() -> writer.openPart(null))
                        .isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("part name");
                writer.writePart("p", bytes(1, 10));
                writer.commit();
            }
            Checkpoint checkpoint = store.open(CheckpointId.of("n")).orElseThrow();
            assertThatThrownBy(() -> checkpoint.openPart(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("name");
        }
    }

    @Test
    public void writerUseAfterCommitOrAbortIsIllegalState() throws IOException {
        try (CheckpointStore store = openStore(newRoot())) {
            CheckpointWriter committed = store.begin(CheckpointId.of("a"));
            committed.writePart("p", bytes(1, 10));
            committed.commit();
            assertThatThrownBy(() -> committed.openPart("q")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(committed::commit).isInstanceOf(IllegalStateException.class);
            committed.close();
            committed.close();
            assertThat(store.open(CheckpointId.of("a")))
                    .as("closing a committed writer keeps the checkpoint")
                    .isPresent();

            CheckpointWriter aborted = store.begin(CheckpointId.of("b"));
            aborted.writePart("p", bytes(1, 10));
            aborted.close();
            aborted.close();
            assertThatThrownBy(() -> aborted.openPart("q")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(aborted::commit).isInstanceOf(IllegalStateException.class);
            assertThat(store.open(CheckpointId.of("b"))).isEmpty();
        }
    }

    @Test
    public void duplicatePartNameIsRejected() throws IOException {
        try (CheckpointStore store = openStore(newRoot())) {
            CheckpointId id = CheckpointId.of("dup");
            try (CheckpointWriter writer = store.begin(id)) {
                writer.writePart("p", bytes(1, 100));
                assertThatThrownBy(() -> writer.openPart("p").close()).isInstanceOf(IllegalArgumentException.class);
                writer.commit();
            }
            assertThat(store.open(id).orElseThrow().readPart("p")).isEqualTo(bytes(1, 100));
        }
    }

    @Test
    public void storeUseAfterCloseIsIllegalState() throws IOException {
        CheckpointStore store = openStore(newRoot());
        CheckpointWriter pending = store.begin(CheckpointId.of("pending"));
        pending.writePart("p", bytes(1, 10));
        store.close();
        store.close();
        CheckpointId id = CheckpointId.of("x");
        assertThatThrownBy(() -> store.begin(id)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.open(id)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.list("")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.delete(id)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.collectGarbage(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(pending::commit)
                .as("a writer of a closed store was aborted")
                .isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- fencing

    @Test
    public void commitWithAStaleEpochIsFenced() throws IOException {
        assumeCapability(Capability.CHECKPOINT_EPOCH_FENCING);
        URI root = newRoot();
        try (CheckpointStore store = openStore(root)) {
            commit(store, CheckpointId.of("offsets/1"), 5, Map.of("p", bytes(1, 10)));
            try (CheckpointWriter stale = store.begin(CheckpointId.of("offsets/2"), 3)) {
                stale.writePart("p", bytes(2, 10));
                FencedException e = catchThrowableOfType(stale::commit, FencedException.class);
                assertThat(e.writerEpoch()).isEqualTo(3);
                assertThat(e.currentEpoch()).isIn(-1L, 5L);
            }
            assertThat(store.open(CheckpointId.of("offsets/2")))
                    .as("a fenced commit")
                    .isEmpty();
            assertThat(commit(store, CheckpointId.of("offsets/3"), 5, Map.of("p", bytes(3, 10)))
                            .epoch())
                    .isEqualTo(5);
            assertThat(commit(store, CheckpointId.of("offsets/4"), 6, Map.of("p", bytes(4, 10)))
                            .epoch())
                    .isEqualTo(6);
            try (CheckpointWriter stale = store.begin(CheckpointId.of("offsets/5"), 5)) {
                stale.writePart("p", bytes(5, 10));
                assertThatThrownBy(stale::commit)
                        .as("epoch 5 after epoch 6 committed")
                        .isInstanceOf(FencedException.class);
            }
            assertThat(store.list("offsets"))
                    .extracting(CheckpointId::value)
                    .containsExactly("offsets/1", "offsets/3", "offsets/4");

            // A writer of epoch 6 that began (and wrote its parts) before epoch 7's first commit,
            // and commits after it, as a leader paused and then resumed would: refused.
            CheckpointWriter paused = store.begin(CheckpointId.of("offsets/5"), 6);
            paused.writePart("p", bytes(5, 10));
            try (CheckpointStore successor = openStore(root)) {
                assertThat(commit(successor, CheckpointId.of("state/7"), 7, Map.of("p", bytes(7, 10)))
                                .epoch())
                        .isEqualTo(7);
            }
            FencedException e = catchThrowableOfType(paused::commit, FencedException.class);
            assertThat(e.writerEpoch()).isEqualTo(6);
            paused.close();
            assertThat(store.open(CheckpointId.of("offsets/5")))
                    .as("a commit of epoch 6 after epoch 7's")
                    .isEmpty();
            assertThat(commit(store, CheckpointId.of("offsets/5"), 7, Map.of("p", bytes(8, 10)))
                            .epoch())
                    .as("the id the fenced writer wanted, committed by the new epoch")
                    .isEqualTo(7);
            assertThat(store.open(CheckpointId.of("offsets/5")).orElseThrow().readPart("p"))
                    .isEqualTo(bytes(8, 10));
            assertThat(commit(store, CheckpointId.of("tools/1"), 0, Map.of("p", bytes(9, 10)))
                            .epoch())
                    .as("a writer outside any election (epoch 0) is not fenced")
                    .isZero();
        }
    }

    /**
     * A leader paused in the middle of a commit and resumed after its successor's first commit:
     * {@link CheckpointCrashChild} commits with epoch 3 in another JVM and is stopped with
     * {@code SIGSTOP} just after it called {@code commit()}; this JVM then commits with epoch 4
     * and lists what is visible; the child is resumed (earlier, if the commit of epoch 4 waits
     * for it, as behind a lock the child holds). Storage must refuse every commit of epoch 3 that
     * was not visible when epoch 4's commit returned: no checkpoint of epoch 3 appears afterwards,
     * the child is fenced at its next commit at the latest, what it reported committed is
     * visible, and the id it was fenced on can be committed by epoch 4.
     */
    @ParameterizedTest(name = "round {0}")
    @MethodSource("sigkillRounds")
    public void writerPausedInACommitAndResumedAfterANewerEpochCommittedIsFenced(long round) throws Exception {
        assumeCapability(Capability.CHECKPOINT_EPOCH_FENCING);
        assumeCapability(Capability.CHECKPOINT_DURABLE); // the paused leader is a child JVM
        long seed = Seeds.seed(round);
        Random random = new Random(seed);
        URI root = newRoot();
        Map<String, String> opts = optionsWith(Map.of());
        int pauseAfter = random.nextInt(3);
        Set<CheckpointId> committed = new HashSet<>();
        Set<CheckpointId> fenced = new HashSet<>();
        List<String> transcript = new ArrayList<>();
        List<CheckpointId> visibleAtFence;
        boolean resumedEarly = false;
        ExecutorService leader = Executors.newSingleThreadExecutor();
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, opts);
                ChildJvm child = ChildJvm.start(
                        CheckpointCrashChild.class,
                        List.of(ChildArgs.encodeUri(root), ChildArgs.encodeOptions(opts), Long.toString(seed), "3"))) {
            child.awaitLine("READY", CHILD_START);
            int committing = 0;
            while (committing <= pauseAfter) {
                String line = child.nextLine(CHILD_PROGRESS)
                        .orElseThrow(
                                () -> new AssertionError("the child stopped: " + transcript + " " + child.describe()));
                transcript.add(line);
                collectFencing(line, committed, fenced);
                if (line.startsWith("COMMITTING ")) {
                    committing++;
                }
            }
            Thread.sleep(random.nextInt(3));
            child.signal(true);
            transcript.add("-- paused");
            Future<CheckpointInfo> first =
                    leader.submit(() -> commit(store, CheckpointId.of("leader/0"), 4, Map.of("p", bytes(40, 100))));
            try {
                first.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                resumedEarly = true; // the commit of epoch 4 waits for the paused child (a lock it holds)
                transcript.add("-- resumed before epoch 4 committed");
                child.signal(false);
            }
            assertThat(first.get(CHILD_PROGRESS.toSeconds(), TimeUnit.SECONDS).epoch())
                    .isEqualTo(4);
            visibleAtFence = store.list(CheckpointCrashChild.PREFIX);
            transcript.add("-- epoch 4 committed; visible: " + visibleAtFence);
            if (!resumedEarly) {
                child.signal(false);
            }
            String last;
            do {
                last = child.nextLine(CHILD_PROGRESS)
                        .orElseThrow(() -> new AssertionError(
                                "the child of epoch 3 was not fenced: " + transcript + " " + child.describe()));
                transcript.add(last);
                collectFencing(last, committed, fenced);
            } while (!last.equals("DONE"));
            child.kill();

            String story = "seed " + seed + ", child printed " + transcript;
            List<CheckpointId> visible = store.list(CheckpointCrashChild.PREFIX);
            assertThat(fenced).as("the child was fenced once: %s", story).hasSize(1);
            assertThat(visible)
                    .as(
                            "checkpoints of epoch 3 after the child was fenced, against those visible when"
                                    + " epoch 4 committed: %s",
                            story)
                    .isEqualTo(visibleAtFence);
            assertThat(visible)
                    .as("what the child reported committed is visible: %s", story)
                    .containsAll(committed);
            CheckpointId lost = fenced.iterator().next();
            assertThat(store.open(lost)).as("%s, fenced: %s", lost, story).isEmpty();
            for (CheckpointId id : visible) {
                assertThat(store.open(id).orElseThrow().info().epoch())
                        .as("epoch of %s", id)
                        .isEqualTo(3);
                assertIntact(store.open(id).orElseThrow(), seed, id);
            }
            assertThat(commit(store, lost, 4, Map.of("p", bytes(41, 100))).epoch())
                    .as("%s committed by epoch 4 after epoch 3 was fenced on it: %s", lost, story)
                    .isEqualTo(4);
            assertThat(store.open(lost).orElseThrow().readPart("p")).isEqualTo(bytes(41, 100));
            try (CheckpointWriter stale = store.begin(CheckpointId.of("leader/1"), 3)) {
                stale.writePart("p", bytes(42, 100));
                assertThatThrownBy(stale::commit).isInstanceOf(FencedException.class);
            }
        } finally {
            leader.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- crash

    /**
     * Runs {@link CheckpointCrashChild} in another JVM, committing checkpoint after checkpoint, and
     * kills it with {@code SIGKILL} at a random moment: every checkpoint it reported committed is
     * there and intact, the one in flight is either wholly there or absent, and after
     * {@code collectGarbage(ZERO)} no part of the abandoned attempt remains. The id in flight can
     * then be committed.
     */
    @ParameterizedTest(name = "round {0}")
    @MethodSource("sigkillRounds")
    public void sigkillDuringACommitLeavesNothingPartial(long round) throws Exception {
        assumeCapability(Capability.CHECKPOINT_DURABLE); // the killed writer is a child JVM
        long seed = Seeds.seed(round);
        Random random = new Random(seed);
        URI root = newRoot();
        Map<String, String> opts = optionsWith(Map.of());
        int killAfter = 1 + random.nextInt(6);
        Set<CheckpointId> committed = new HashSet<>();
        Set<CheckpointId> begun = new HashSet<>();
        List<String> transcript = new ArrayList<>();
        String childName;
        try (ChildJvm child = ChildJvm.start(
                CheckpointCrashChild.class,
                List.of(ChildArgs.encodeUri(root), ChildArgs.encodeOptions(opts), Long.toString(seed)))) {
            child.awaitLine("READY", CHILD_START);
            while (committed.size() < killAfter) {
                String line = child.nextLine(CHILD_PROGRESS)
                        .orElseThrow(() -> new AssertionError(
                                "the child stopped after " + committed.size() + " commits: " + child.describe()));
                transcript.add(line);
                collect(line, begun, committed);
            }
            Thread.sleep(random.nextInt(30));
            for (String line : child.kill()) {
                transcript.add(line);
                collect(line, begun, committed);
            }
            childName = child.describe();
        }
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, opts)) {
            List<CheckpointId> listed = store.list(CheckpointCrashChild.PREFIX);
            assertThat(listed).as("checkpoints after SIGKILL").containsAll(committed);
            assertThat(begun)
                    .as(
                            "every listed checkpoint was begun by the child (seed %d; %s printed %s)",
                            seed, childName, transcript)
                    .containsAll(listed);
            for (CheckpointId id : begun) {
                Optional<Checkpoint> checkpoint = store.open(id);
                assertThat(checkpoint.isPresent())
                        .as("%s is listed exactly when it can be opened", id)
                        .isEqualTo(listed.contains(id));
                if (checkpoint.isPresent()) {
                    assertIntact(checkpoint.get(), seed, id);
                }
            }
            store.collectGarbage(Duration.ZERO);
            Optional<StorageFaults> faults = optionalFaults(root);
            if (faults.isPresent()) {
                Set<String> expectedKeys = new HashSet<>();
                for (CheckpointId id : listed) {
                    for (CheckpointCrashChild.Part part : CheckpointCrashChild.parts(seed, number(id))) {
                        expectedKeys.add(id.value() + "/" + part.name());
                    }
                }
                assertThat(faults.get().list(StoredKind.CHECKPOINT_PART).stream()
                                .map(StoredObject::key)
                                .collect(Collectors.toSet()))
                        .as("parts left after collectGarbage(ZERO)")
                        .isEqualTo(expectedKeys);
            }
            for (CheckpointId id : listed) {
                assertIntact(store.open(id).orElseThrow(), seed, id);
            }
            for (CheckpointId id : begun) {
                if (!listed.contains(id)) {
                    commit(store, id, 0, Map.of("retry", bytes(7, 100)));
                    assertThat(store.open(id).orElseThrow().readPart("retry"))
                            .as("%s committed again after its attempt was abandoned", id)
                            .isEqualTo(bytes(7, 100));
                }
            }
        }
    }

    /**
     * Races this JVM against {@link CheckpointCrashChild} in another JVM: the child commits
     * {@code crash/0}, {@code crash/1}, ... upwards while this JVM commits the same ids
     * downwards with different parts, so they meet and contend in the middle. For every id
     * exactly one of them wins, the other gets {@link AlreadyCommittedException}, and the stored
     * checkpoint is wholly the winner's.
     */
    @Test
    public void putIfAbsentHoldsBetweenProcesses() throws Exception {
        assumeCapability(Capability.CHECKPOINT_CROSS_PROCESS);
        long seed = Seeds.seed(0);
        URI root = newRoot();
        Map<String, String> opts = optionsWith(Map.of());
        int ids = 40;
        Map<CheckpointId, Boolean> childOutcome = new HashMap<>(); // true: committed, false: lost
        Set<CheckpointId> parentWon = new HashSet<>();
        Set<CheckpointId> parentLost = new HashSet<>();
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, opts);
                ChildJvm child = ChildJvm.start(
                        CheckpointCrashChild.class,
                        List.of(
                                ChildArgs.encodeUri(root),
                                ChildArgs.encodeOptions(opts),
                                Long.toString(seed),
                                "0",
                                Integer.toString(ids)))) { // stops after the raced ids, not hogging the store
            child.awaitLine("READY", CHILD_START);
            for (long n = ids - 1L; n >= 0; n--) {
                CheckpointId id = CheckpointCrashChild.id(n);
                try {
                    commit(store, id, 0, Map.of("parent", bytes((int) n, 100)));
                    parentWon.add(id);
                } catch (AlreadyCommittedException e) {
                    assertThat(e.id()).isEqualTo(id);
                    parentLost.add(id);
                }
                for (Optional<String> line = child.nextLine(Duration.ZERO);
                        line.isPresent();
                        line = child.nextLine(Duration.ZERO)) {
                    collectOutcome(line.get(), childOutcome);
                }
            }
            for (long n = 0; n < ids; n++) {
                while (!childOutcome.containsKey(CheckpointCrashChild.id(n))) {
                    String line = child.nextLine(CHILD_PROGRESS)
                            .orElseThrow(() -> new AssertionError(
                                    "the child stopped before reaching crash/" + ids + ": " + child.describe()));
                    collectOutcome(line, childOutcome);
                }
            }
            child.kill();
            for (long n = 0; n < ids; n++) {
                CheckpointId id = CheckpointCrashChild.id(n);
                boolean childWon = childOutcome.get(id);
                assertThat(childWon)
                        .as("%s: the child won exactly when this JVM lost", id)
                        .isEqualTo(parentLost.contains(id))
                        .isNotEqualTo(parentWon.contains(id));
                Checkpoint checkpoint = store.open(id).orElseThrow();
                if (childWon) {
                    assertIntact(checkpoint, seed, id);
                } else {
                    assertThat(checkpoint.info().parts())
                            .extracting(PartInfo::name)
                            .containsExactly("parent");
                    assertThat(checkpoint.readPart("parent")).isEqualTo(bytes((int) n, 100));
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** Opens the store at {@code root} through {@link Lifeboat} with {@link #options()}. */
    protected final CheckpointStore openStore(URI root) throws IOException {
        return Lifeboat.openCheckpointStore(root, optionsWith(Map.of()));
    }

    /** Commits {@code parts} (in iteration order) as checkpoint {@code id} with {@code epoch}. */
    protected static CheckpointInfo commit(
            CheckpointStore store, CheckpointId id, long epoch, Map<String, byte[]> parts) throws IOException {
        try (CheckpointWriter writer = store.begin(id, epoch)) {
            for (Map.Entry<String, byte[]> part : parts.entrySet()) {
                writer.writePart(part.getKey(), part.getValue());
            }
            return writer.commit();
        }
    }

    /** Deterministic bytes. */
    protected static byte[] bytes(int index, int length) {
        return Payloads.bytes(SEED, index, length);
    }

    private Optional<StorageFaults> optionalFaults(URI root) throws IOException {
        if (provider() instanceof dev.lifeboat.spi.fault.SupportsFaultInjection f) {
            return Optional.of(f.faults(root, optionsWith(Map.of())));
        }
        return Optional.empty();
    }

    private void assertNoParts(URI root, String when) throws IOException {
        Optional<StorageFaults> faults = optionalFaults(root);
        if (faults.isPresent()) {
            assertThat(faults.get().list(StoredKind.CHECKPOINT_PART))
                    .as("checkpoint parts stored %s", when)
                    .isEmpty();
        }
    }

    private static StoredObject part(StorageFaults faults, CheckpointId id, String name) throws IOException {
        String key = id.value() + "/" + name;
        List<StoredObject> parts = faults.list(StoredKind.CHECKPOINT_PART);
        return parts.stream()
                .filter(o -> o.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CHECKPOINT_PART with key " + key + " among "
                        + parts.stream().map(StoredObject::key).collect(Collectors.toList())));
    }

    private static void assertIntact(Checkpoint checkpoint, long seed, CheckpointId id) throws IOException {
        List<CheckpointCrashChild.Part> parts = CheckpointCrashChild.parts(seed, number(id));
        assertThat(checkpoint.info().parts())
                .extracting(PartInfo::name)
                .as("parts of %s", id)
                .containsExactlyElementsOf(
                        parts.stream().map(CheckpointCrashChild.Part::name).collect(Collectors.toList()));
        for (CheckpointCrashChild.Part part : parts) {
            assertThat(checkpoint.readPart(part.name()))
                    .as("%s part %s", id, part.name())
                    .isEqualTo(part.bytes());
        }
    }

    private static long number(CheckpointId id) {
        return Long.parseLong(id.name());
    }

    private static void collectOutcome(String line, Map<CheckpointId, Boolean> outcomes) {
        String[] words = line.split(" ", -1);
        if (words[0].equals("COMMITTED") || words[0].equals("LOST")) {
            Boolean previous = outcomes.put(CheckpointId.of(words[1]), words[0].equals("COMMITTED"));
            assertThat(previous).as("the child reported %s twice", words[1]).isNull();
        }
    }

    private static void collectFencing(String line, Set<CheckpointId> committed, Set<CheckpointId> fenced) {
        String[] words = line.split(" ", -1);
        if (words[0].equals("COMMITTED")) {
            committed.add(CheckpointId.of(words[1]));
        } else if (words[0].equals("FENCED")) {
            fenced.add(CheckpointId.of(words[1]));
        } else if (words[0].equals("LOST")) {
            throw new AssertionError("the child lost " + words[1] + " although nobody else commits its ids");
        }
    }

    private static void collect(String line, Set<CheckpointId> begun, Set<CheckpointId> committed) {
        String[] words = line.split(" ", -1);
        if (words[0].equals("BEGIN")) {
            begun.add(CheckpointId.of(words[1]));
        } else if (words[0].equals("COMMITTED")) {
            committed.add(CheckpointId.of(words[1]));
        }
    }

    private static <T extends Throwable> T catchThrowableOfType(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Class<T> type) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(type);
        return type.cast(t);
    }
}

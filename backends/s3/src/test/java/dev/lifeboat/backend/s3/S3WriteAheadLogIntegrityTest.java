package dev.lifeboat.backend.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.backend.s3.internal.S3StorageFaults;
import dev.lifeboat.compat.internal.FaultProxy;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.Durability;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The write-ahead log's own metadata and its chain of batch objects under damage and unreliable
 * listings: a bit flipped in the head, LISTs with gaps (as S3-compatible servers return them under
 * concurrent writes), and a batch object deleted or cut at a frame boundary. Good data is never
 * refused nor deleted, and lost records are reported, naming the object that lost them.
 */
class S3WriteAheadLogIntegrityTest {
    private static final String SEGMENTS = "/wal/segments/";

    private static S3TestServer server;
    private static FaultProxy proxy;
    private static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.start();
        proxy = new FaultProxy(server.endpoint().getPort());
        client = server.client(server.endpoint());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        proxy.close();
        server.close();
    }

    @AfterEach
    void reset() {
        proxy.clearFaults();
        proxy.resetRequests();
        server.clear();
    }

    private static Map<String, String> options(String durability) {
        Map<String, String> o = server.options();
        o.put("durability", durability);
        o.put("lease-duration", "2s");
        o.put("renew-interval", "250ms");
        return o;
    }

    /** Through the fault proxy. */
    private static Map<String, String> proxied(String durability) {
        Map<String, String> o = server.options(proxy.endpoint());
        o.put("durability", durability);
        o.put("lease-duration", "2s");
        o.put("renew-interval", "250ms");
        return o;
    }

    private static S3StorageFaults faults(URI root) {
        return (S3StorageFaults) new S3WriteAheadLogProvider().faults(root, options("sync"));
    }

    // ------------------------------------------------------------------ the head

    /**
     * One bit flipped in the head's low LSN ('0' becomes '8') must not make an opening writer
     * delete the batch objects below it: the head is verified before anything acts on it.
     */
    @Test
    void bitFlippedInTheHeadsLowLsnIsRefusedAndNothingIsDeleted() throws IOException {
        URI root = server.newRoot();
        writeBatches(root, 3, 3); // objects at LSN 0, 3 and 6
        S3StorageFaults faults = faults(root);
        List<StoredObject> before = faults.list(StoredKind.WAL_SEGMENT);
        assertThat(before).hasSize(3);
        StoredObject head = headObject(faults);
        String text = new String(get(head.name()), StandardCharsets.UTF_8);
        int digit = text.indexOf("low-lsn 0") + "low-lsn ".length();
        faults.flipBit(head, digit, 3);
        assertThat(new String(get(head.name()), StandardCharsets.UTF_8)).contains("low-lsn 8");

        CorruptDataException fromWriter = corruption(
                () -> Lifeboat.openWriteAheadLog(root, options("sync")).close());
        assertThat(fromWriter.location()).endsWith("/wal/head");
        CorruptDataException fromReader = corruption(
                () -> Lifeboat.openWriteAheadLogReader(root, options("sync")).close());
        assertThat(fromReader.location()).endsWith("/wal/head");
        assertThat(faults.list(StoredKind.WAL_SEGMENT))
                .as("no batch object was deleted")
                .isEqualTo(before);
    }

    /** A head written by the earlier format (no checksum) is read, verified against the objects and upgraded. */
    @Test
    void headOfTheEarlierFormatIsVerifiedAndUpgraded() throws IOException {
        URI root = server.newRoot();
        writeBatches(root, 3, 3);
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options("sync"))) {
            wal.truncateBefore(RecordHandle.of(3));
        }
        String headKey = headObject(faults(root)).name();
        put(headKey, "lifeboat-s3-wal v1\nepoch 4\nwriter 0011223344556677\nlow-lsn 3\nheartbeat 9\nstate closed\n");
        try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, options("sync"))) {
            assertThat(payloads(reader)).containsExactly("b1-0", "b1-1", "b1-2", "b2-0", "b2-1", "b2-2");
        }
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options("sync"))) {
            assertThat(wal.write(ByteBuffer.wrap(bytes("b3-0")), 0)).isEqualTo(RecordHandle.of(9));
            assertThat(payloads(wal)).hasSize(7).startsWith("b1-0");
        }
        assertThat(new String(get(headKey), StandardCharsets.UTF_8))
                .as("rewritten in the checked format")
                .doesNotContain("v1")
                .contains("epoch 5")
                .contains("low-lsn 3")
                .contains("crc ");
    }

    /** An earlier-format head whose low LSN names no batch object cannot be verified: refused, nothing deleted. */
    @Test
    void headOfTheEarlierFormatThatDisagreesWithTheObjectsIsRefused() throws IOException {
        URI root = server.newRoot();
        writeBatches(root, 3, 3);
        S3StorageFaults faults = faults(root);
        List<StoredObject> before = faults.list(StoredKind.WAL_SEGMENT);
        put(
                headObject(faults).name(),
                "lifeboat-s3-wal v1\nepoch 4\nwriter 0011223344556677\nlow-lsn 8\nheartbeat 9\nstate closed\n");
        CorruptDataException e = corruption(
                () -> Lifeboat.openWriteAheadLog(root, options("sync")).close());
        assertThat(e.location()).endsWith("/wal/head");
        assertThat(e.getMessage()).contains("8");
        assertThat(faults.list(StoredKind.WAL_SEGMENT))
                .as("no batch object was deleted")
                .isEqualTo(before);
    }

    // ------------------------------------------------------------------ gapped listings

    /**
     * A reader whose every LIST misses keys (here every other batch object, or the first one)
     * reads the whole log beside a live writer and never reports corruption: where a listing and
     * the chain of batches disagree, it asks for the next object by name.
     */
    @ParameterizedTest(name = "LIST drops {0}")
    @ValueSource(strings = {"every other key", "the first key", "all but the last key"})
    void readerBesideALiveWriterWithGappedListingsSeesAnIntactLog(String gaps) throws Exception {
        BiPredicate<Integer, Integer> drop = switch (gaps) {
            case "every other key" -> (i, n) -> i % 2 == 1 && i < n - 1;
            case "the first key" -> (i, n) -> i == 0 && n > 1;
            default -> (i, n) -> i < n - 1;
        };
        proxy.rewrite(Integer.MAX_VALUE, S3Requests::isList, S3Requests.dropListed(SEGMENTS, drop));
        URI root = server.newRoot();
        List<String> written = new ArrayList<>();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options("sync"))) {
            for (int i = 0; i < 24; i++) {
                written.add("r" + i);
                wal.write(ByteBuffer.wrap(bytes("r" + i)), i);
            }
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, proxied("sync"))) {
                assertThat(payloads(reader)).containsExactlyElementsOf(written);
                for (int round = 0; round < 6; round++) {
                    for (int i = 0; i < 5; i++) { // the writer goes on; the reader refreshes with gapped LISTs
                        String name = "r" + written.size();
                        wal.write(ByteBuffer.wrap(bytes(name)), written.size());
                        written.add(name);
                    }
                    assertThat(reader.last()).contains(RecordHandle.of(written.size() - 1));
                    assertThat(payloads(reader)).containsExactlyElementsOf(written);
                    int k = written.size() - 3 - round;
                    assertThat(reader.read(RecordHandle.of(k)).map(r -> text(r.bytes())))
                            .contains(written.get(k));
                }
            }
            try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, proxied("sync"))) {
                for (int k = written.size() - 1; k >= 0; k -= 7) { // point reads before any replay
                    assertThat(reader.read(RecordHandle.of(k)).map(r -> text(r.bytes())))
                            .contains(written.get(k));
                }
            }
        }
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, proxied("sync"))) {
            assertThat(payloads(wal))
                    .as("a writer recovering through gapped LISTs")
                    .containsExactlyElementsOf(written);
            wal.truncateBefore(RecordHandle.of(20));
            assertThat(wal.first()).isPresent();
            assertThat(payloads(wal))
                    .containsExactlyElementsOf(
                            written.subList((int) wal.first().orElseThrow().lsn(), written.size()));
        }
        assertThat(proxy.count(r -> r.fault().isPresent()))
                .as("gapped LISTs served")
                .isPositive();
    }

    // ------------------------------------------------------------------ lost batches

    /** Deleting the newest batch object after a clean close is reported by readers and writers, naming it. */
    @Test
    void deletedNewestBatchIsReportedNamingIt() throws IOException {
        URI root = server.newRoot();
        writeBatches(root, 3, 3);
        S3StorageFaults faults = faults(root);
        StoredObject newest = faults.list(StoredKind.WAL_SEGMENT).get(2);
        faults.delete(newest);
        for (CorruptDataException e : List.of(
                corruption(() ->
                        Lifeboat.openWriteAheadLogReader(root, options("sync")).close()),
                corruption(
                        () -> Lifeboat.openWriteAheadLog(root, options("sync")).close()))) {
            assertThat(e.location()).endsWith(newest.name());
        }
        assertThat(faults.list(StoredKind.WAL_SEGMENT)).hasSize(2);
    }

    /**
     * Cutting the newest batch object at a frame boundary leaves no torn frame; its metadata (and
     * the head, after a clean close) still tell how many records it held, so the cut is reported.
     */
    @ParameterizedTest(name = "object metadata kept: {0}")
    @ValueSource(booleans = {true, false})
    void newestBatchCutAtAFrameBoundaryIsReportedNamingIt(boolean metadataKept) throws IOException {
        URI root = server.newRoot();
        writeBatches(root, 2, 3);
        S3StorageFaults faults = faults(root);
        StoredObject newest = faults.list(StoredKind.WAL_SEGMENT).get(1);
        long twoFrames = 2L * (32 + bytes("b1-0").length);
        if (metadataKept) {
            faults.truncate(newest, twoFrames);
        } else {
            byte[] cut = java.util.Arrays.copyOf(get(newest.name()), (int) twoFrames);
            client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(newest.name()), RequestBody.fromBytes(cut));
        }
        for (CorruptDataException e : List.of(
                corruption(() ->
                        Lifeboat.openWriteAheadLogReader(root, options("sync")).close()),
                corruption(
                        () -> Lifeboat.openWriteAheadLog(root, options("sync")).close()))) {
            assertThat(e.location()).endsWith(newest.name());
        }
        assertThat(faults.list(StoredKind.WAL_SEGMENT).get(1).length())
                .as("the writer cut nothing")
                .isEqualTo(twoFrames);
    }

    /** A missing batch object in the middle is reported naming the missing object, not the one before it. */
    @Test
    void missingMiddleBatchIsReportedNamingIt() throws IOException {
        URI root = server.newRoot();
        writeBatches(root, 3, 3);
        S3StorageFaults faults = faults(root);
        StoredObject middle = faults.list(StoredKind.WAL_SEGMENT).get(1);
        faults.delete(middle);
        try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(root, options("sync"))) {
            CorruptDataException e = corruption(() -> payloads(reader));
            assertThat(e.location()).endsWith(middle.name());
            assertThat(e.getMessage()).contains("3").contains("5");
        }
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options("sync"))) {
            assertThat(corruption(() -> wal.read(RecordHandle.of(4))).location())
                    .endsWith(middle.name());
            assertThat(corruption(() -> payloads(wal)).location()).endsWith(middle.name());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Writes {@code batches} objects of {@code perBatch} records each ("b<batch>-<i>"), then closes cleanly. */
    private static void writeBatches(URI root, int batches, int perBatch) throws IOException {
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(root, options("none"))) {
            for (int b = 0; b < batches; b++) {
                // Plain appends only queue, so the sync writes the batch as one object; an
                // appendAsync at "none" may start writing a batch before the rest has queued.
                for (int i = 0; i < perBatch; i++) {
                    wal.append(ByteBuffer.wrap(bytes("b" + b + "-" + i)), b);
                }
                wal.sync(Durability.FLUSH);
            }
        }
    }

    private static List<String> payloads(WriteAheadLogReader log) throws IOException {
        List<String> out = new ArrayList<>();
        try (CloseableIterator<LogRecord> it = log.replayAll()) {
            long expected = log.first().map(RecordHandle::lsn).orElse(0L);
            while (it.hasNext()) {
                LogRecord r = it.next();
                assertThat(r.handle().lsn()).as("LSNs are dense").isEqualTo(expected++);
                out.add(text(r.bytes()));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static CorruptDataException corruption(IoAction action) {
        Throwable t = catchThrowable(action::run);
        assertThat(t).isInstanceOf(CorruptDataException.class);
        return (CorruptDataException) t;
    }

    private static StoredObject headObject(S3StorageFaults faults) throws IOException {
        return faults.list(StoredKind.OTHER).stream()
                .filter(o -> o.name().endsWith("/wal/head"))
                .findFirst()
                .orElseThrow();
    }

    private static byte[] get(String key) {
        return client.getObjectAsBytes(b -> b.bucket(S3TestServer.BUCKET).key(key))
                .asByteArray();
    }

    private static void put(String key, String text) {
        client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromString(text));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

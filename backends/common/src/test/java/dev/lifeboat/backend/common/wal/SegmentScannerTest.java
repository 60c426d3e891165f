package dev.lifeboat.backend.common.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecoveryReport.TornTail;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SegmentScannerTest {
    private static final long FIRST = 100;
    private static final int RECORDS = 5;

    /** Five frames with LSNs 100..104 and payloads of 10, 20, ... bytes. */
    private static byte[] segment() {
        ByteBuffer out = ByteBuffer.allocate(4096);
        for (int i = 0; i < RECORDS; i++) {
            ByteBuffer payload = ByteBuffer.wrap(payload(i));
            out.put(RecordFrame.encode(FIRST + i, 1000 + i, payload, RecordFrame.payloadCrc(payload)));
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private static byte[] payload(int i) {
        byte[] p = new byte[10 * (i + 1)];
        Arrays.fill(p, (byte) (i + 1));
        return p;
    }

    private static long frameStart(int i) {
        long offset = 0;
        for (int k = 0; k < i; k++) {
            offset += RecordFrame.HEADER_BYTES + payload(k).length;
        }
        return offset;
    }

    private static SegmentScanner.Result scan(byte[] bytes, boolean last, List<LogRecord> sink) throws IOException {
        return new SegmentScanner(SegmentSource.of("seg", ByteBuffer.wrap(bytes)), FIRST, last, 1 << 20)
                .scan(sink == null ? null : sink::add);
    }

    @Test
    void aCompleteSegmentYieldsEveryRecordInOrder() throws IOException {
        byte[] bytes = segment();
        List<LogRecord> records = new ArrayList<>();
        SegmentScanner.Result r = scan(bytes, false, records);
        assertThat(r).isEqualTo(new SegmentScanner.Result(bytes.length, FIRST + RECORDS, RECORDS, Optional.empty()));
        for (int i = 0; i < RECORDS; i++) {
            assertThat(records.get(i).handle().lsn()).isEqualTo(FIRST + i);
            assertThat(records.get(i).timestampMillis()).isEqualTo(1000 + i);
            assertThat(records.get(i).bytes()).isEqualTo(payload(i));
        }
    }

    @Test
    void aCutAtEveryOffsetIsATornTailInTheLastSegmentAndCorruptionElsewhere() throws IOException {
        byte[] bytes = segment();
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] torn = Arrays.copyOf(bytes, cut);
            int complete = 0;
            while (complete < RECORDS && frameStart(complete + 1) <= cut) {
                complete++;
            }
            long tornAt = frameStart(complete);
            SegmentScanner.Result r = scan(torn, true, null);
            assertThat(r.validBytes()).as("cut at %d", cut).isEqualTo(tornAt);
            assertThat(r.nextLsn()).isEqualTo(FIRST + complete);
            if (cut == tornAt) {
                assertThat(r.tornTail()).as("cut at a frame boundary %d", cut).isEmpty();
            } else {
                assertThat(r.tornTail()).contains(new TornTail("seg", tornAt, cut - tornAt));
                assertThatThrownBy(() -> scan(torn, false, null))
                        .as("cut at %d of a sealed segment", cut)
                        .isInstanceOfSatisfying(CorruptDataException.class, e -> {
                            assertThat(e.location()).isEqualTo("seg");
                            assertThat(e.offset()).isEqualTo(tornAt);
                        });
            }
        }
    }

    @Test
    void aFlippedByteBeforeTheLastFrameIsCorruptionAtThatFrame() throws IOException {
        byte[] bytes = segment();
        long lastStart = frameStart(RECORDS - 1);
        for (int i = 0; i < lastStart; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            int frame = 0;
            while (frameStart(frame + 1) <= i) {
                frame++;
            }
            long at = frameStart(frame);
            assertThatThrownBy(() -> scan(damaged, true, null))
                    .as("byte %d flipped", i)
                    .isInstanceOfSatisfying(
                            CorruptDataException.class,
                            e -> assertThat(e.offset()).isEqualTo(at));
        }
    }

    @Test
    void aFlippedByteInTheCompleteLastFrameIsCorruptionUnlessCuttingIsAsked() throws IOException {
        byte[] damaged = segment();
        damaged[damaged.length - 1] ^= 1;
        long lastStart = frameStart(RECORDS - 1);
        assertThatThrownBy(() -> scan(damaged, true, null))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("not a torn write")
                .satisfies(e -> assertThat(((CorruptDataException) e).offset()).isEqualTo(lastStart));
        assertThatThrownBy(() -> scan(damaged, false, null)).isInstanceOf(CorruptDataException.class);
        SegmentScanner.Result cut = new SegmentScanner(
                        SegmentSource.of("seg", ByteBuffer.wrap(damaged)), FIRST, true, 1 << 20, true)
                .scan(null);
        assertThat(cut.tornTail()).contains(new TornTail("seg", lastStart, damaged.length - lastStart));
        assertThat(cut.records()).isEqualTo(RECORDS - 1);
    }

    @Test
    void aLastFrameWhosePayloadWasNeverWrittenIsATornTail() throws IOException {
        byte[] unwritten = segment();
        long lastStart = frameStart(RECORDS - 1);
        Arrays.fill(unwritten, (int) lastStart + RecordFrame.HEADER_BYTES, unwritten.length, (byte) 0);
        assertThat(scan(unwritten, true, null).tornTail())
                .contains(new TornTail("seg", lastStart, unwritten.length - lastStart));
        assertThatThrownBy(() -> scan(unwritten, false, null)).isInstanceOf(CorruptDataException.class);
    }

    @Test
    void anUnwrittenTailMustReachBackToASectorBoundary() {
        ByteBuffer endsInOneZero = ByteBuffer.wrap(new byte[] {1, 2, 3, 0});
        assertThat(SegmentScanner.unwrittenTail(0, endsInOneZero))
                .as("a zero byte inside one sector")
                .isFalse();
        byte[] p = new byte[1000];
        Arrays.fill(p, 0, 600, (byte) 7); // zero from frame offset 32 + 600 = 632: spans the boundary at 1024
        assertThat(SegmentScanner.unwrittenTail(0, ByteBuffer.wrap(p))).isTrue();
        assertThat(SegmentScanner.unwrittenTail(0, ByteBuffer.wrap(new byte[] {1, 2})))
                .isFalse();
        assertThat(SegmentScanner.unwrittenTail(0, ByteBuffer.wrap(new byte[5])))
                .as("never written at all")
                .isTrue();
    }

    @Test
    void zeroesAfterTheLastFrameAreATornTailButOtherBytesAreNot() throws IOException {
        byte[] bytes = segment();
        byte[] zeroed = Arrays.copyOf(bytes, bytes.length + 200_000);
        assertThat(scan(zeroed, true, null).tornTail()).contains(new TornTail("seg", bytes.length, 200_000));
        assertThatThrownBy(() -> scan(zeroed, false, null)).isInstanceOf(CorruptDataException.class);
        byte[] dirty = zeroed.clone();
        dirty[dirty.length - 1] = 1; // past the first 64 KiB chunk that is checked for zeroes
        assertThatThrownBy(() -> scan(dirty, true, null))
                .isInstanceOfSatisfying(
                        CorruptDataException.class, e -> assertThat(e.offset()).isEqualTo(bytes.length));
    }

    @Test
    void anLsnOutOfSequenceIsCorruption() throws IOException {
        byte[] bytes = segment();
        SegmentScanner scanner =
                new SegmentScanner(SegmentSource.of("seg", ByteBuffer.wrap(bytes)), FIRST + 1, true, 1 << 20);
        assertThatThrownBy(() -> scanner.scan(null)).isInstanceOfSatisfying(CorruptDataException.class, e -> {
            assertThat(e.offset()).isZero();
            assertThat(e).hasMessageContaining("expected LSN " + (FIRST + 1));
        });
    }

    @Test
    void aFrameLongerThanTheLimitIsDamage() {
        byte[] bytes = segment();
        SegmentScanner scanner = new SegmentScanner(SegmentSource.of("seg", ByteBuffer.wrap(bytes)), FIRST, true, 15);
        assertThatThrownBy(() -> scanner.scan(null))
                .isInstanceOfSatisfying(
                        CorruptDataException.class, e -> assertThat(e.offset()).isEqualTo(frameStart(1)));
    }

    @Test
    void scanningFromAFrameBoundaryContinuesThere() throws IOException {
        byte[] bytes = segment();
        List<LogRecord> records = new ArrayList<>();
        SegmentScanner.Result r = new SegmentScanner(
                        SegmentSource.of("seg", ByteBuffer.wrap(bytes)), FIRST, false, 1 << 20)
                .scan(frameStart(3), FIRST + 3, records::add);
        assertThat(r.records()).isEqualTo(2);
        assertThat(records).extracting(rec -> rec.handle().lsn()).containsExactly(FIRST + 3, FIRST + 4);
    }

    /** The same bytes behind a source that copies on every read, as a stream-backed backend's does. */
    private static SegmentSource copying(byte[] bytes) {
        SegmentSource held = SegmentSource.of("seg", ByteBuffer.wrap(bytes.clone()));
        return new SegmentSource() {
            @Override
            public String name() {
                return "seg";
            }

            @Override
            public long size() throws IOException {
                return held.size();
            }

            @Override
            public void read(long position, ByteBuffer dst) throws IOException {
                held.read(position, dst);
            }
        };
    }

    /** The outcome of a scan as text: its result and records, or the exception it threw. */
    private static String outcome(SegmentSource source, boolean last, boolean cutCorrupt) {
        List<LogRecord> records = new ArrayList<>();
        try {
            SegmentScanner.Result r = new SegmentScanner(source, FIRST, last, 1 << 20, cutCorrupt).scan(records::add);
            StringBuilder out = new StringBuilder(r.toString());
            for (LogRecord rec : records) {
                out.append(' ').append(rec.handle().lsn()).append(Arrays.toString(rec.bytes()));
            }
            return out.toString();
        } catch (IOException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void bytesHeldInMemoryAndBytesCopiedOutAreJudgedAlikeForEveryCutAndFlip() {
        byte[] bytes = segment();
        for (int cut = 0; cut <= bytes.length; cut++) {
            byte[] torn = Arrays.copyOf(bytes, cut);
            for (boolean last : new boolean[] {false, true}) {
                assertThat(outcome(SegmentSource.of("seg", ByteBuffer.wrap(torn)), last, false))
                        .as("cut at %d, last %s", cut, last)
                        .isEqualTo(outcome(copying(torn), last, false));
            }
        }
        for (int i = 0; i < bytes.length; i++) {
            byte[] damaged = bytes.clone();
            damaged[i] ^= 0x10;
            for (boolean cutCorrupt : new boolean[] {false, true}) {
                assertThat(outcome(SegmentSource.of("seg", ByteBuffer.wrap(damaged)), true, cutCorrupt))
                        .as("byte %d flipped, cut-corrupt %s", i, cutCorrupt)
                        .isEqualTo(outcome(copying(damaged), true, cutCorrupt));
            }
        }
    }

    @Test
    void payloadsOfBytesHeldInMemoryAreReadOnlySlicesOfThemNotCopies() throws IOException {
        byte[] bytes = segment();
        List<LogRecord> records = new ArrayList<>();
        scan(bytes, false, records);
        for (int i = 0; i < RECORDS; i++) {
            ByteBuffer p = records.get(i).payload();
            assertThat(p.isReadOnly()).isTrue();
            assertThat(p.position()).isZero();
            assertThat(p.remaining()).isEqualTo(payload(i).length);
        }
        bytes[(int) frameStart(2) + RecordFrame.HEADER_BYTES] = 42;
        assertThat(records.get(2).payload().get(0))
                .as("the record shares the scanned bytes")
                .isEqualTo((byte) 42);
    }

    @Test
    void aWindowOfASegmentKeepsTheSegmentsOffsets() throws IOException {
        byte[] bytes = segment();
        long base = 1_000_000;
        int from = (int) frameStart(1);
        ByteBuffer window = ByteBuffer.wrap(bytes, from, bytes.length - from);
        SegmentSource source = SegmentSource.of("seg", base + from, window);
        assertThat(source.size()).isEqualTo(base + bytes.length);
        List<LogRecord> records = new ArrayList<>();
        SegmentScanner.Result r =
                new SegmentScanner(source, FIRST, false, 1 << 20).scan(base + from, FIRST + 1, records::add);
        assertThat(r).isEqualTo(new SegmentScanner.Result(base + bytes.length, FIRST + RECORDS, 4, Optional.empty()));
        assertThat(records.get(0).bytes()).isEqualTo(payload(1));
        bytes[(int) frameStart(3) + 7] ^= 1; // damage the header of LSN 103
        assertThatThrownBy(() -> new SegmentScanner(source, FIRST, false, 1 << 20).scan(base + from, FIRST + 1, null))
                .isInstanceOfSatisfying(
                        CorruptDataException.class, e -> assertThat(e.offset()).isEqualTo(base + frameStart(3)));
        assertThatThrownBy(() -> new SegmentScanner(source, FIRST, false, 1 << 20).scan(base, FIRST, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset " + base);
    }
}

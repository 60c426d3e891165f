package dev.lifeboat.backend.chronicle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage below the log, fed frames the group-commit layer never hands it: direct and
 * read-only buffers on the append path, and a damaged frame between intact ones on the replay
 * path.
 */
class ChronicleLogStorageTest {
    private static final long TS = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    @BeforeAll
    static void jvm() {
        ChronicleJvm.check();
    }

    private ChronicleWalSettings settings(Path dir) {
        return ChronicleWalSettings.parse(
                URI.create("chronicle://" + dir.toAbsolutePath().toUri().getRawPath()),
                Map.of("max-record-bytes", "1MiB"));
    }

    private static byte[] payload(int lsn, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (lsn * 31 + i);
        }
        return b;
    }

    private static ByteBuffer frame(long lsn, byte[] payload) {
        ByteBuffer p = ByteBuffer.wrap(payload);
        return RecordFrame.encode(lsn, TS + lsn, p, RecordFrame.payloadCrc(p));
    }

    private static ByteBuffer direct(ByteBuffer heap) {
        ByteBuffer d = ByteBuffer.allocateDirect(heap.remaining());
        d.put(heap.duplicate()).flip();
        return d;
    }

    /** A heap frame at a non-zero position and offset of its array. */
    private static ByteBuffer offsetHeap(ByteBuffer heap) {
        ByteBuffer b = ByteBuffer.allocate(heap.remaining() + 12);
        b.position(5);
        ByteBuffer slice = b.slice(); // arrayOffset 5
        slice.position(2).mark();
        slice.put(heap.duplicate()).reset();
        return slice.limit(2 + heap.remaining());
    }

    /**
     * Every kind of buffer a frame may come in is appended whole and unmoved, and reads back the
     * same by LSN and by replay: a heap frame at an offset (copied from its array), a direct one
     * and a read-only heap one (copied through Chronicle's ByteBuffer copy, no array), and
     * payloads larger than the chunk replay copies and checksums at a time.
     */
    @Test
    void framesOfEveryBufferKindAreAppendedWholeAndReplayedIntact() throws IOException {
        Path dir = tmp.resolve("kinds");
        int[] lengths = {0, 1, 1000, 40_000, 100_003, 17};
        List<ByteBuffer> frames = new ArrayList<>();
        for (int lsn = 0; lsn < lengths.length; lsn++) {
            ByteBuffer heap = frame(lsn, payload(lsn, lengths[lsn]));
            ByteBuffer f = switch (lsn % 3) {
                case 0 -> offsetHeap(heap);
                case 1 -> direct(heap);
                default -> heap.asReadOnlyBuffer();
            };
            frames.add(f);
        }
        assertThat(frames.get(1).hasArray()).isFalse();
        assertThat(frames.get(2).hasArray()).isFalse();
        List<Integer> positions = frames.stream().map(ByteBuffer::position).toList();
        try (ChronicleLogStorage s = ChronicleLogStorage.openWriter(settings(dir))) {
            s.write(frames.subList(0, 3), 0, TS + 2);
            s.write(frames.subList(3, frames.size()), 3, TS + frames.size() - 1);
            assertThat(frames.stream().map(ByteBuffer::position).toList()).isEqualTo(positions);
            for (int lsn = 0; lsn < lengths.length; lsn++) {
                LogRecord r = s.read(lsn).orElseThrow();
                assertThat(r.bytes()).isEqualTo(payload(lsn, lengths[lsn]));
            }
        }
        try (ChronicleLogStorage s = ChronicleLogStorage.openReader(settings(dir));
                CloseableIterator<LogRecord> it = s.replay(0)) {
            for (int lsn = 0; lsn < lengths.length; lsn++) {
                assertThat(it.hasNext()).isTrue();
                LogRecord r = it.next();
                assertThat(r.handle().lsn()).isEqualTo(lsn);
                assertThat(r.timestampMillis()).isEqualTo(TS + lsn);
                assertThat(r.bytes()).isEqualTo(payload(lsn, lengths[lsn]));
            }
            assertThat(it.hasNext()).isFalse();
        }
    }

    /**
     * A frame whose payload checksum fails, with intact records after it, is damage: replay
     * hands out the records before it, then reports the damage instead of a record.
     * Records kept from earlier steps of the replay stay intact (each has an array of its own).
     */
    @Test
    void aDamagedFrameBetweenIntactOnesFailsTheReplayAtItsPlace() throws IOException {
        Path dir = tmp.resolve("damaged");
        ByteBuffer bad = frame(1, payload(1, 500));
        bad.put(RecordFrame.HEADER_BYTES + 10, (byte) (bad.get(RecordFrame.HEADER_BYTES + 10) ^ 1));
        // Written past recovery (which refuses to open a queue with such damage): the writer's
        // own storage replays it.
        try (ChronicleLogStorage s = ChronicleLogStorage.openWriter(settings(dir))) {
            s.write(List.of(frame(0, payload(0, 500)), bad, frame(2, payload(2, 500))), 0, TS + 2);
            CloseableIterator<LogRecord> it = s.replay(0);
            LogRecord first = it.next();
            assertThatThrownBy(it::hasNext)
                    .isInstanceOf(UncheckedIOException.class)
                    .cause()
                    .isInstanceOf(CorruptDataException.class);
            assertThat(first.bytes()).isEqualTo(payload(0, 500));
            assertThat(s.read(2).orElseThrow().bytes()).isEqualTo(payload(2, 500));
            it.close();
        }
    }
}

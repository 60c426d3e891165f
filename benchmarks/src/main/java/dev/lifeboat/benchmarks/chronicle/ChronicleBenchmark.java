package dev.lifeboat.benchmarks.chronicle;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Chronicle backend's overhead over the library it is built on: a raw Chronicle Queue
 * appender (one excerpt per record, the same roll cycle and block size as the backend) beside
 * the backend's log at {@code durability=none}, where both acknowledge a record once its excerpt
 * is in the memory-mapped file; and a raw tailer beside the backend's replay. Average time per
 * record, one thread.
 *
 * <ul>
 *   <li>{@code rawAppend}: {@code appender.writingDocument()}, the record's bytes, close.
 *   <li>{@code backendWrite}: {@code write(record)}, which frames (CRC32C) and appends the record
 *       in the calling thread (it leads its own group-commit batch) before it returns: the same
 *       guarantee as {@code rawAppend}.
 *   <li>{@code backendAppend}: {@code append(record)}, which returns once the record is framed
 *       and queued; once {@code group-commit.max-batch-bytes} have queued, the appender writes
 *       them as one batch, so its average is the batched rate.
 *   <li>{@code rawTail} and {@code backendReplay}: reading one record, from a queue of 64 MiB
 *       written in the trial's set-up; at the end the reader starts over.
 * </ul>
 *
 * <p>Queues are recreated for every iteration, so that their files stay bounded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            BenchSupport.FLAG_REFLECT,
            BenchSupport.FLAG_NIO,
            BenchSupport.FLAG_REF,
            BenchSupport.FLAG_ANALYTICS,
            BenchSupport.FLAG_HEAP
        })
@Threads(1)
public class ChronicleBenchmark {
    /** Chronicle's mapping block of a backend queue with max-record-bytes 1 MiB ("auto"). */
    static final long BLOCK_SIZE = 64L << 20;

    static final long READ_BYTES = 64L << 20;

    /** A raw queue, new for every iteration. */
    @State(Scope.Thread)
    public static class RawQueue {
        @Param({"1024"})
        public int recordBytes;

        Path dir;
        SingleChronicleQueue queue;
        ExcerptAppender appender;
        byte[] record;

        @Setup(Level.Iteration)
        public void open() {
            record = BenchSupport.bytes(recordBytes);
            dir = BenchSupport.freshDir("chronicle-raw");
            queue = rawQueue(dir);
            appender = queue.createAppender();
        }

        @TearDown(Level.Iteration)
        public void close() {
            appender.close();
            queue.close();
            BenchSupport.deleteRecursively(dir);
        }
    }

    /** A backend log at durability none, new for every iteration. */
    @State(Scope.Thread)
    public static class BackendLog {
        @Param({"1024"})
        public int recordBytes;

        Path dir;
        WriteAheadLog wal;
        ByteBuffer record;

        @Setup(Level.Iteration)
        public void open() throws IOException {
            record = BenchSupport.record(recordBytes);
            dir = BenchSupport.freshDir("chronicle-backend");
            wal = Lifeboat.openWriteAheadLog(uri(dir), Map.of("durability", "none", "max-record-bytes", "1MiB"));
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            wal.close();
            BenchSupport.deleteRecursively(dir);
        }
    }

    /** A raw queue of 64 MiB, read by one tailer that starts over at the end. */
    @State(Scope.Thread)
    public static class RawRead {
        @Param({"1024"})
        public int recordBytes;

        Path dir;
        SingleChronicleQueue queue;
        ExcerptTailer tailer;
        byte[] buffer;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchSupport.freshDir("chronicle-raw-read");
            queue = rawQueue(dir);
            byte[] record = BenchSupport.bytes(recordBytes);
            try (ExcerptAppender appender = queue.createAppender()) {
                for (long i = 0; i < READ_BYTES / recordBytes; i++) {
                    try (DocumentContext dc = appender.writingDocument()) {
                        dc.wire().bytes().write(record);
                    }
                }
            }
            tailer = queue.createTailer();
            buffer = new byte[recordBytes];
        }

        @TearDown(Level.Trial)
        public void close() {
            tailer.close();
            queue.close();
            BenchSupport.deleteRecursively(dir);
        }
    }

    /** A backend log of 64 MiB, read by one replay that starts over at the end. */
    @State(Scope.Thread)
    public static class BackendRead {
        @Param({"1024"})
        public int recordBytes;

        Path dir;
        WriteAheadLogReader reader;
        CloseableIterator<LogRecord> replay;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = BenchSupport.freshDir("chronicle-backend-read");
            ByteBuffer record = BenchSupport.record(recordBytes);
            try (WriteAheadLog wal =
                    Lifeboat.openWriteAheadLog(uri(dir), Map.of("durability", "none", "max-record-bytes", "1MiB"))) {
                for (long i = 0; i < READ_BYTES / recordBytes; i++) {
                    wal.append(record.duplicate(), i);
                }
                wal.sync();
            }
            reader = Lifeboat.openWriteAheadLogReader(uri(dir), Map.of("max-record-bytes", "1MiB"));
            replay = reader.replayAll();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            replay.close();
            reader.close();
            BenchSupport.deleteRecursively(dir);
        }
    }

    @Benchmark
    public void rawAppend(RawQueue q) {
        try (DocumentContext dc = q.appender.writingDocument()) {
            dc.wire().bytes().write(q.record);
        }
    }

    @Benchmark
    public RecordHandle backendWrite(BackendLog log) throws IOException {
        return log.wal.write(log.record, 0); // not moved by the log: the op allocates nothing of its own
    }

    @Benchmark
    public RecordHandle backendAppend(BackendLog log) throws IOException {
        return log.wal.append(log.record, 0);
    }

    @Benchmark
    public int rawTail(RawRead r) {
        while (true) {
            try (DocumentContext dc = r.tailer.readingDocument()) {
                if (dc.isPresent()) {
                    return dc.wire().bytes().read(r.buffer);
                }
            }
            r.tailer.toStart();
        }
    }

    @Benchmark
    public int backendReplay(BackendRead r) throws IOException {
        if (!r.replay.hasNext()) {
            r.replay.close();
            r.replay = r.reader.replayAll();
        }
        return r.replay.next().payload().remaining();
    }

    static SingleChronicleQueue rawQueue(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(RollCycles.FAST_DAILY)
                .blockSize(BLOCK_SIZE)
                .build();
    }

    static URI uri(Path dir) {
        return URI.create("chronicle://" + dir.toAbsolutePath().toUri().getRawPath());
    }
}

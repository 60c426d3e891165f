package dev.lifeboat.compat.internal;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child of the write-ahead log crash test. Opens the log at a URI with options (through
 * {@link Lifeboat}, so the backend is found by scheme), then appends from several threads with
 * {@link WriteAheadLog#write}, which returns once the record is durable at the log's configured
 * durability. After each acknowledgement it prints one line, until it is killed:
 *
 * <pre>
 * READY &lt;nextLsn&gt;
 * ACK &lt;lsn&gt; &lt;thread&gt; &lt;seq&gt; &lt;crc32c of the payload, hex&gt;
 * </pre>
 *
 * The payload of thread {@code t}'s {@code seq}-th record is {@link Payloads#walRecord}, so the
 * parent can verify every record it finds, acknowledged or not. Not API.
 *
 * <p>Usage: {@code WalCrashChild <uri> <options> <threads> <seed>} with the URI and options
 * encoded by {@link ChildArgs}.
 */
public final class WalCrashChild {
    /** Largest filler after the 12-byte header of each record. */
    public static final int MAX_FILLER = 2048;
    /** A thread stops after this many records, so a child that is never killed ends. */
    public static final int MAX_RECORDS_PER_THREAD = 200_000;

    private WalCrashChild() {}

    public static void main(String[] args) {
        ChildSupport.requireArgs(args, 4, "WalCrashChild <uri> <options> <threads> <seed>");
        ChildSupport.exitWhenParentDies();
        try {
            URI uri = ChildArgs.decodeUri(args[0]);
            Map<String, String> options = ChildArgs.decodeOptions(args[1]);
            int threads = Integer.parseInt(args[2]);
            long seed = Long.parseLong(args[3]);
            try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(uri, options)) {
                ChildSupport.emit("READY " + wal.recovery().nextLsn());
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    Thread writer = new Thread(() -> append(wal, seed, thread), "crash-child-writer-" + t);
                    writers.add(writer);
                    writer.start();
                }
                for (Thread writer : writers) {
                    writer.join();
                }
            }
            ChildSupport.emit("DONE");
        } catch (Throwable t) {
            ChildSupport.fail(t);
        }
    }

    private static void append(WriteAheadLog wal, long seed, int thread) {
        try {
            for (long seq = 0; seq < MAX_RECORDS_PER_THREAD; seq++) {
                byte[] payload = Payloads.walRecord(seed, thread, seq, MAX_FILLER);
                RecordHandle handle = wal.write(ByteBuffer.wrap(payload), System.currentTimeMillis());
                ChildSupport.emit("ACK " + handle.lsn() + " " + thread + " " + seq + " "
                        + Integer.toHexString(Payloads.crc32c(payload)));
            }
        } catch (Throwable t) {
            ChildSupport.fail(t);
        }
    }
}

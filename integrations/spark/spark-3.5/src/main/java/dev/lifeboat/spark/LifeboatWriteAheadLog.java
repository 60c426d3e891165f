package dev.lifeboat.spark;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spark.internal.Sneaky;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.util.WriteAheadLogRecordHandle;
import scala.Tuple2;

/**
 * Spark Streaming's write-ahead log on a Lifeboat log. Spark never tells a log class its folder
 * or stream, so the logs are named by keys of their own; use {@link LifeboatDriverWriteAheadLog}
 * for {@code spark.streaming.driver.writeAheadLog.class} and {@link LifeboatReceiverWriteAheadLog}
 * for {@code spark.streaming.receiver.writeAheadLog.class} (see {@code docs/spark.md}).
 *
 * <p>{@code write} returns when the record is durable at the log's durability (option
 * {@code durability}, default the backend's); the handle names the log and the record, so any
 * fresh instance, on any executor, reads it back. {@code clean(threshTime)} drops whole segments
 * whose records are all older than {@code threshTime} (Spark's record times).
 */
public abstract class LifeboatWriteAheadLog extends org.apache.spark.streaming.util.WriteAheadLog {
    /** Prefix of the logs' backend options: {@code spark.lifeboat.wal.option.durability=sync}. */
    public static final String OPTION_PREFIX = "spark.lifeboat.wal.option.";

    /** Readers opened in this JVM to read records of other instances' logs by handle. */
    private static final Map<URI, WriteAheadLogReader> READERS = new ConcurrentHashMap<>();

    private final URI uri;
    private final Map<String, String> options;
    private WriteAheadLog log;
    private boolean closed;

    /**
     * @param uri the log this instance writes to
     * @param conf the Spark configuration holding the options
     */
    protected LifeboatWriteAheadLog(URI uri, SparkConf conf) {
        this.uri = requireNonNull(uri, "uri is null");
        this.options = options(conf);
    }

    /** The log this instance writes to. */
    public final URI uri() {
        return uri;
    }

    @Override
    public WriteAheadLogRecordHandle write(ByteBuffer record, long time) {
        try {
            return new LifeboatWalRecordHandle(uri, writer().write(record, time));
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    @Override
    public ByteBuffer read(WriteAheadLogRecordHandle handle) {
        if (!(handle instanceof LifeboatWalRecordHandle h)) {
            throw new IllegalArgumentException("not a Lifeboat record handle: " + handle + " ("
                    + (handle == null ? "null" : handle.getClass().getName()) + ")");
        }
        try {
            WriteAheadLogReader reader;
            synchronized (this) {
                reader = h.log().equals(uri) && log != null ? log : null;
            }
            if (reader == null) {
                reader = reader(h.log());
            }
            LogRecord record = reader.read(h.handle())
                    .orElseThrow(() -> new NoSuchElementException(
                            "record " + h + " is not in the log: truncated by clean(), or never written"));
            return ByteBuffer.wrap(record.bytes());
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    @Override
    public Iterator<ByteBuffer> readAll() {
        List<ByteBuffer> records = new ArrayList<>();
        try {
            WriteAheadLogReader reader = writer();
            try (CloseableIterator<LogRecord> it = reader.replayAll()) {
                while (it.hasNext()) {
                    records.add(ByteBuffer.wrap(it.next().bytes()));
                }
            }
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
        return records.iterator();
    }

    @Override
    public void clean(long threshTime, boolean waitForCompletion) {
        try {
            writer().truncateBefore(threshTime);
        } catch (IOException e) {
            throw Sneaky.raise(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                throw Sneaky.raise(e);
            }
        }
    }

    /** The writer of this instance's log, opened on first use (a log has one writer). */
    private synchronized WriteAheadLog writer() throws IOException {
        if (closed) {
            throw new IllegalStateException("write-ahead log " + uri + " is closed");
        }
        if (log == null) {
            log = Lifeboat.openWriteAheadLog(uri, options);
        }
        return log;
    }

    private WriteAheadLogReader reader(URI other) throws IOException {
        WriteAheadLogReader reader = READERS.get(other);
        if (reader == null) {
            synchronized (READERS) {
                reader = READERS.get(other);
                if (reader == null) {
                    reader = Lifeboat.openWriteAheadLogReader(other, options);
                    READERS.put(other, reader);
                }
            }
        }
        return reader;
    }

    private static Map<String, String> options(SparkConf conf) {
        Map<String, String> options = new TreeMap<>();
        for (Tuple2<String, String> e : conf.getAllWithPrefix(OPTION_PREFIX)) {
            options.put(e._1(), e._2());
        }
        return options;
    }

    /** The URI under {@code key}, or an exception naming the key. */
    static URI uri(SparkConf conf, String key) {
        if (conf == null || !conf.contains(key)) {
            throw new IllegalArgumentException(key + " is not set: it names the Lifeboat write-ahead log URI"
                    + " (for example file:///var/spark/wal or s3://bucket/wal)");
        }
        String value = conf.get(key).trim();
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null) {
                throw new IllegalArgumentException(key + " '" + value + "' has no scheme (file:, hdfs:, s3:, ...)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a URI: " + e.getMessage(), e);
        }
    }

    /** {@code base} with one more path segment. */
    static URI child(URI base, String name) {
        String s = base.toString();
        return URI.create(s.endsWith("/") ? s + name : s + "/" + name);
    }

    /** A name no other receiver log instance has: the executor, then a random id. */
    static String uniqueName() {
        String executor = org.apache.spark.SparkEnv.get() == null
                ? "unknown"
                : org.apache.spark.SparkEnv.get().executorId();
        return "executor-" + executor.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID();
    }
}

package dev.lifeboat.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.receiver.Receiver;

/**
 * A Spark Streaming driver with a reliable receiver, run in its own JVM by the kill tests. The
 * receiver stores blocks of ten numbered records (through the receiver write-ahead log) and notes
 * in a journal when it starts storing a block ({@code S a b}) and when {@code store} returned
 * ({@code A a b}); a restarted receiver resumes after the last acknowledged block. Each batch's
 * records go to one file per batch time, put-if-absent (a recomputed batch must rewrite the same
 * bytes). The driver stops once every record {@code 0..N-1} is in some output file.
 *
 * <p>Arguments: checkpoint folder, journal file, output folder, N, then {@code key=value} settings.
 */
// DStreams are deprecated since Spark 3.4; this driver is the kind of application the bridge serves.
@SuppressWarnings("deprecation")
public final class ReceiverDriver {
    private ReceiverDriver() {}

    public static void main(String[] args) throws Exception {
        String checkpoint = args[0];
        String journal = args[1];
        String output = args[2];
        int n = Integer.parseInt(args[3]);
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("lifeboat-receiver-driver")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.streaming.receiver.writeAheadLog.enable", "true")
                .set("spark.streaming.driver.writeAheadLog.class", LifeboatDriverWriteAheadLog.class.getName())
                .set("spark.streaming.receiver.writeAheadLog.class", LifeboatReceiverWriteAheadLog.class.getName());
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            conf.set(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        JavaStreamingContext ssc = JavaStreamingContext.getOrCreate(checkpoint, () -> {
            JavaStreamingContext c = new JavaStreamingContext(conf, Durations.milliseconds(500));
            c.checkpoint(checkpoint);
            c.receiverStream(new NumberReceiver(journal, n)).foreachRDD((rdd, time) -> {
                List<String> records = new ArrayList<>(rdd.collect());
                if (!records.isEmpty()) {
                    records.sort(null);
                    write(Path.of(output), "batch-" + time.milliseconds() + ".txt", String.join("\n", records) + "\n");
                }
            });
            return c;
        });
        ssc.start();
        long deadline = System.nanoTime() + 150_000_000_000L;
        int status = 3;
        while (System.nanoTime() < deadline) {
            if (covered(Path.of(output), n)) {
                status = 0;
                break;
            }
            Thread.sleep(100);
        }
        ssc.stop(true, true);
        System.exit(status);
    }

    static boolean covered(Path output, int n) throws IOException {
        BitSet seen = new BitSet(n);
        try (Stream<Path> files = Files.list(output)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("batch-")) {
                    for (String line : Files.readAllLines(f)) {
                        if (!line.isEmpty()) {
                            seen.set(Integer.parseInt(line));
                        }
                    }
                }
            }
        }
        return seen.cardinality() >= n;
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Path target = dir.resolve(name);
        Path temp = Files.createTempFile(dir, "." + name, ".tmp");
        Files.writeString(temp, content);
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            if (!Files.readString(target).equals(content)) {
                throw new IllegalStateException("batch " + name + " recomputed with different records");
            }
        } finally {
            Files.delete(temp);
        }
    }

    /** Numbers {@code 0..n-1} in blocks of ten, resuming after the last acknowledged block. */
    static final class NumberReceiver extends Receiver<String> {
        private static final long serialVersionUID = 1L;
        private final String journal;
        private final int n;

        NumberReceiver(String journal, int n) {
            super(StorageLevel.MEMORY_AND_DISK_SER());
            this.journal = journal;
            this.n = n;
        }

        @Override
        public void onStart() {
            Thread thread = new Thread(this::run, "number-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void onStop() {}

        private void run() {
            try {
                Path path = Path.of(journal);
                int next = 0;
                if (Files.exists(path)) {
                    for (String line : Files.readAllLines(path)) {
                        String[] f = line.split(" ", -1);
                        if (f.length == 3 && f[0].equals("A")) {
                            next = Math.max(next, Integer.parseInt(f[2]) + 1);
                        }
                    }
                }
                while (!isStopped() && next < n) {
                    int last = Math.min(n, next + 10) - 1;
                    List<String> block = new ArrayList<>();
                    for (int i = next; i <= last; i++) {
                        block.add(Integer.toString(i));
                    }
                    note(path, "S " + next + " " + last);
                    store(block.iterator()); // returns once the block is in the WAL and reported
                    note(path, "A " + next + " " + last);
                    next = last + 1;
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                restart("journal failed", e);
            }
        }

        private static void note(Path path, String line) {
            try {
                Files.write(
                        path,
                        (line + "\n").getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

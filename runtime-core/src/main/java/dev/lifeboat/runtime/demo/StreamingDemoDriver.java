package dev.lifeboat.runtime.demo;

import dev.lifeboat.runtime.streaming.FileSink;
import dev.lifeboat.runtime.streaming.GeneratorSource;
import dev.lifeboat.runtime.streaming.QueryFencedException;
import dev.lifeboat.runtime.streaming.ReceiverSource;
import dev.lifeboat.runtime.streaming.Source;
import dev.lifeboat.runtime.streaming.StreamingDriver;
import dev.lifeboat.runtime.streaming.StreamingListener;
import dev.lifeboat.runtime.streaming.StreamingQuery;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One highly available streaming driver process, for the streaming demo and the driver tests.
 * Arguments are {@code key=value}: {@code root} (a directory holding {@code checkpoint/},
 * {@code election/}, {@code wal/} and {@code out/}), {@code id} (participant id),
 * {@code source} ({@code generator} or {@code receiver}), {@code records} (how many records in
 * all), {@code batch} (max records per batch), {@code delayMs} (a pause at every step, to make
 * batches slow enough to be killed in), {@code poll} (election poll interval of the default local
 * election). {@code wal}, {@code checkpoint} and {@code election} name other stores by URI than
 * the folders under {@code root}, with their options as {@code <store>.option.<name>=<value>}.
 *
 * <p>Prints one line per event ({@code EVENT <phase> <batch> <detail>}), {@code ACK <offset>}
 * for every record a receiver acknowledged, and {@code DONE} at the end. Exit codes: 0 done,
 * 3 fenced, 1 any other error.
 */
public final class StreamingDemoDriver {
    private StreamingDemoDriver() {}

    /** Record {@code i} of the demo stream: a key and a value. */
    public static String record(long i) {
        return "k" + (i * 7919 % 11) + "," + (i % 100);
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    static int run(PrintStream out, String[] args) {
        Map<String, String> a = new HashMap<>(
                Map.of("source", "generator", "records", "600", "batch", "40", "delayMs", "0", "poll", "100ms"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                System.err.println("not key=value: " + arg);
                return 2;
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path root = Path.of(a.get("root"));
        long records = Long.parseLong(a.get("records"));
        long delay = Long.parseLong(a.get("delayMs"));
        boolean receiver = a.get("source").equals("receiver");
        StreamingListener listener = (phase, batch, detail) -> {
            synchronized (out) {
                out.println("EVENT " + phase + " " + batch + " " + detail);
                out.flush();
            }
            if (delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AtomicReference<Thread> feeder = new AtomicReference<>();
        URI election = uri(a, "election", root);
        URI wal = uri(a, "wal", root);
        URI checkpoint = uri(a, "checkpoint", root);
        Map<String, String> electionOptions = options(a, "election");
        if (!a.containsKey("election")) {
            electionOptions.put("poll-interval", a.get("poll"));
        }
        try {
            StreamingDriver.run(
                    election,
                    electionOptions,
                    a.get("id"),
                    listener,
                    (epoch, stillLeader) -> {
                        Source source;
                        if (receiver) {
                            ReceiverSource r = ReceiverSource.open(wal, options(a, "wal"));
                            feeder.set(feed(r, records, out));
                            source = r;
                        } else {
                            source = new GeneratorSource(StreamingDemoDriver::record, records);
                        }
                        return StreamingQuery.builder()
                                .checkpoint(checkpoint, options(a, "checkpoint"))
                                .source(source)
                                .sink(new FileSink(root.resolve("out")))
                                .maxRecordsPerBatch(Integer.parseInt(a.get("batch")))
                                .snapshotInterval(4)
                                .retainSnapshots(2)
                                .epoch(epoch)
                                .stillLeader(stillLeader)
                                .listener(listener)
                                .open();
                    },
                    q -> q.committedOffset() >= records);
            Thread f = feeder.get();
            if (f != null) {
                f.interrupt();
                f.join();
            }
            out.println("DONE");
            out.flush();
            return 0;
        } catch (QueryFencedException e) {
            System.err.println("fenced: " + e.getMessage());
            return 3;
        } catch (Exception e) {
            e.printStackTrace();
            return 1;
        }
    }

    /** The store named by argument {@code key}, or the folder {@code key} under the root. */
    private static URI uri(Map<String, String> a, String key, Path root) {
        return a.containsKey(key) ? URI.create(a.get(key)) : root.resolve(key).toUri();
    }

    /** The store options given as {@code key.option.<name>=<value>}. */
    private static Map<String, String> options(Map<String, String> a, String key) {
        String prefix = key + ".option.";
        Map<String, String> out = new HashMap<>();
        a.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Pushes records {@code latestOffset() .. total-1} into the receiver, acknowledging each. */
    private static Thread feed(ReceiverSource r, long total, PrintStream out) {
        Thread t = new Thread(
                () -> {
                    try {
                        for (long k = r.latestOffset();
                                k < total && !Thread.currentThread().isInterrupted();
                                k++) {
                            long lsn = r.receive(record(k));
                            synchronized (out) {
                                out.println("ACK " + lsn);
                                out.flush();
                            }
                            Thread.sleep(2);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        e.printStackTrace(System.err); // this process's log: the parent reads its stderr
                    }
                },
                "receiver");
        t.setDaemon(true);
        t.start();
        return t;
    }
}

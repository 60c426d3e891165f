package dev.lifeboat.runtime.demo;

import dev.lifeboat.runtime.streaming.FileSink;
import dev.lifeboat.runtime.streaming.RunningAggregate;
import dev.lifeboat.runtime.streaming.internal.DriverProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code ./lifeboat demo streaming}: two driver processes join a leader election; the leader
 * runs a receiver stream (every record written to a write-ahead log before it is acknowledged)
 * with a running count and sum by key; the demo kills the leader with {@code SIGKILL}, the
 * standby takes over, recovers from the checkpoint store and the WAL, and finishes. It prints the
 * timeline and checks that the counts are exactly once: every record counted one time, none
 * lost, none twice. Exit status 0 if so, 1 if not, 2 on bad arguments.
 */
public final class StreamingDemo {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private StreamingDemo() {}

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** Runs the demo, printing to {@code out}; returns the exit status. */
    public static int run(PrintStream out, String[] args) {
        int records = 400;
        URI wal = null;
        URI checkpoint = null;
        URI election = null;
        Map<String, String> options = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--records" -> {
                        if (++i >= args.length) {
                            throw new IllegalArgumentException("--records needs a value");
                        }
                        records = Integer.parseInt(args[i]);
                        if (records < 100) {
                            throw new IllegalArgumentException("--records must be >= 100: " + records);
                        }
                    }
                    case "--wal" -> wal = WordCountDemo.uri(value(args, ++i));
                    case "--checkpoint-store" -> checkpoint = WordCountDemo.uri(value(args, ++i));
                    case "--election" -> election = WordCountDemo.uri(value(args, ++i));
                    case "--option", "-o" -> WordCountDemo.option(options, value(args, ++i));
                    case "--help", "-h" -> {
                        out.println(usage());
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            List<Map.Entry<DemoStores.Kind, URI>> stores = new ArrayList<>();
            if (wal != null) {
                stores.add(Map.entry(DemoStores.Kind.WAL, wal));
            }
            if (checkpoint != null) {
                stores.add(Map.entry(DemoStores.Kind.CHECKPOINT, checkpoint));
            }
            if (election != null) {
                stores.add(Map.entry(DemoStores.Kind.ELECTION, election));
            }
            DemoStores.checkOptions(options, stores);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(usage());
            return 2;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("lifeboat-streaming-demo-");
            String run = DemoStores.runName();
            List<String> storeArgs = new ArrayList<>();
            storeArgs.addAll(store(DemoStores.Kind.WAL, "wal", wal, run, options));
            storeArgs.addAll(store(DemoStores.Kind.CHECKPOINT, "checkpoint", checkpoint, run, options));
            storeArgs.addAll(store(DemoStores.Kind.ELECTION, "election", election, run, options));
            return run(out, work, records, storeArgs);
        } catch (Exception e) {
            out.println("FAILED: " + e);
            return 1;
        } finally {
            if (work != null) {
                deleteQuietly(work);
            }
        }
    }

    /**
     * The driver arguments for a store the user named ({@code key=<uri>/<run>} and its options as
     * {@code key.option.<name>=<value>}), after a probe of the server; none for a default store.
     */
    private static List<String> store(
            DemoStores.Kind kind, String key, URI base, String run, Map<String, String> options) throws IOException {
        if (base == null) {
            return List.of();
        }
        URI uri = DemoStores.child(base, run);
        Map<String, String> accepted = DemoStores.accepted(kind, base, options);
        DemoStores.probe(
                kind, kind == DemoStores.Kind.ELECTION ? DemoStores.child(base, run + "-probe") : uri, accepted);
        List<String> args = new ArrayList<>();
        args.add(key + "=" + uri);
        accepted.forEach((k, v) -> args.add(key + ".option." + k + "=" + v));
        return args;
    }

    private static int run(PrintStream out, Path work, int records, List<String> storeArgs) throws Exception {
        long start = System.currentTimeMillis();
        List<String[]> timeline = new ArrayList<>();
        out.println("Streaming demo: " + records + " records through a receiver, two drivers, one SIGKILL");
        out.println("  state in " + work);
        storeArgs.stream()
                .filter(a -> !a.contains(".option."))
                .forEach(a -> out.println("  " + a.replaceFirst("=", ": ")));
        List<String> common =
                new ArrayList<>(List.of("root=" + work, "source=receiver", "records=" + records, "batch=25"));
        common.addAll(storeArgs);
        long lastAck;
        DriverProcess first = DriverProcess.start(StreamingDemoDriver.class, with(common, "id=driver-1", "delayMs=5"));
        DriverProcess second = null;
        try {
            expect(first, "EVENT ELECTED");
            second = DriverProcess.start(StreamingDemoDriver.class, with(common, "id=driver-2"));
            expect(second, "EVENT JOINED");
            expect(first, "EVENT COMMITTED 3");
            awaitAck(first, records / 3);
            first.kill();
            long killedAt = System.currentTimeMillis();
            timeline.add(new String[] {Long.toString(killedAt), "demo", "SIGKILL driver-1 (pid " + first.pid() + ")"});
            lastAck = first.output().stream()
                    .filter(l -> l.startsWith("ACK "))
                    .mapToLong(l -> Long.parseLong(l.substring(4)))
                    .max()
                    .orElse(-1);
            expect(second, "EVENT ELECTED");
            out.println("  driver-2 took over " + (System.currentTimeMillis() - killedAt) + " ms after the kill");
            if (!second.waitFor(TIMEOUT).equals(java.util.Optional.of(0))) {
                throw new IllegalStateException("driver-2 did not finish: " + second);
            }
            collect(timeline, "driver-1", first);
            collect(timeline, "driver-2", second);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
        timeline.sort(Comparator.comparingLong(e -> Long.parseLong(e[0])));
        out.println();
        out.println("Timeline (ms since start):");
        for (String[] e : timeline) {
            out.printf("  %6d  %-8s  %s%n", Long.parseLong(e[0]) - start, e[1], e[2]);
        }
        SortedMap<String, RunningAggregate> expected = new TreeMap<>();
        for (long i = 0; i < records; i++) {
            String[] kv = StreamingDemoDriver.record(i).split(",", -1);
            expected.merge(
                    kv[0],
                    new RunningAggregate(1, Long.parseLong(kv[1])),
                    (a, b) -> new RunningAggregate(a.count() + b.count(), a.sum() + b.sum()));
        }
        SortedMap<String, RunningAggregate> actual = new TreeMap<>();
        for (List<String> rows : FileSink.readAll(work.resolve("out")).values()) {
            for (String row : rows) {
                String[] f = row.split(",", -1);
                actual.put(f[0], new RunningAggregate(Long.parseLong(f[1]), Long.parseLong(f[2])));
            }
        }
        long counted =
                actual.values().stream().mapToLong(RunningAggregate::count).sum();
        out.println();
        out.println("driver-1 acknowledged records up to offset " + lastAck + " before it was killed");
        out.println("records counted: " + counted + " of " + records + " sent");
        if (actual.equals(expected)) {
            out.println("RESULT: exactly-once counts verified (" + expected.size()
                    + " keys, no record lost or counted twice)");
            return 0;
        }
        out.println("RESULT: MISMATCH: expected " + expected + " but the sink has " + actual);
        return 1;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void collect(List<String[]> timeline, String who, DriverProcess d) {
        List<String> lines = d.output();
        List<Long> times = d.arrivals();
        long acks = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("ACK ")) {
                acks++;
                if (acks % 100 == 1) {
                    timeline.add(new String[] {
                        Long.toString(times.get(i)), who, "receiver acknowledged offset " + l.substring(4)
                    });
                }
            } else if (l.startsWith("EVENT ") && !l.startsWith("EVENT STATE") && !l.startsWith("EVENT SINK")) {
                timeline.add(new String[] {Long.toString(times.get(i)), who, l.substring(6)});
            } else if (l.equals("DONE")) {
                timeline.add(new String[] {Long.toString(times.get(i)), who, "done"});
            }
        }
    }

    /** Waits until {@code d} acknowledged offset {@code min} or later (the line may be consumed already). */
    private static void awaitAck(DriverProcess d, long min) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (d.output().stream().noneMatch(l -> l.startsWith("ACK ") && Long.parseLong(l.substring(4)) >= min)) {
            if (System.nanoTime() > deadline || !d.isAlive()) {
                throw new IllegalStateException("no acknowledgement of offset " + min + " or later from " + d);
            }
            Thread.sleep(5);
        }
    }

    private static void expect(DriverProcess d, String prefix) throws InterruptedException {
        if (d.await(prefix, TIMEOUT).isEmpty()) {
            throw new IllegalStateException("no '" + prefix + "' from " + d);
        }
    }

    private static List<String> with(List<String> common, String... more) {
        List<String> out = new ArrayList<>(common);
        out.addAll(List.of(more));
        return out;
    }

    private static String usage() {
        return """
                usage: lifeboat demo streaming [--records N] [--wal URI] [--checkpoint-store URI] [--election URI]
                                               [--option key=value]...
                  --records N             records sent (N >= 100, default 400)
                  --wal URI               the receiver's write-ahead log (default: a local temporary directory)
                  --checkpoint-store URI  the query's checkpoints (default: a local temporary directory)
                  --election URI          the drivers' leader election (default: a local temporary directory)
                  --option key=value      a store option (endpoint, credentials...), given to every store
                                          whose backend accepts the key
                A named store is used under URI/demo-<random>.""";
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a left-over temporary file is harmless
                }
            });
        } catch (IOException e) {
            // nothing to clean
        }
    }
}

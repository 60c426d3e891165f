package dev.lifeboat.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver stream with the receiver write-ahead log on, and both logs on the local Lifeboat
 * store: the driver JVM is SIGKILLed and restarted from its checkpoint. Every record the receiver
 * had stored (its {@code store} returned) is counted exactly once; only records of a block being
 * stored at the moment of a kill may be sent again by the restarted receiver.
 */
class ReceiverKillTest {
    private static final int N = 200;
    private static final int KILLS = Integer.getInteger("lifeboat.soak.rounds", 1);

    @TempDir
    Path dir;

    @Test
    void everyStoredRecordIsCountedOnceAcrossDriverKills() throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("checkpoint"));
        Path journal = dir.resolve("journal.txt");
        Path out = Files.createDirectories(dir.resolve("out"));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Set<Integer> inDoubt = new HashSet<>();
        int kills = 0;
        for (int run = 0; ; run++) {
            Path log = dir.resolve("run-" + run + ".log");
            int acked = acknowledged(journal);
            Process driver = driver(checkpoint, journal, out, log);
            if (kills < KILLS && acked < N - 20) {
                int target = acked + 10 + random.nextInt(N - 20 - acked);
                while (driver.isAlive() && acknowledged(journal) < target) {
                    Thread.sleep(10);
                }
                Thread.sleep(random.nextInt(300));
                if (driver.isAlive()) {
                    driver.destroyForcibly(); // SIGKILL
                    driver.waitFor();
                    kills++;
                    inDoubt.addAll(unacknowledged(journal));
                    continue;
                }
            }
            // Generous, as for the Structured Streaming drivers: a loaded 2-core machine starts
            // Spark slowly (a run on Spark 4.1 with several builds at once took over 200 s).
            boolean ended = driver.waitFor(600, TimeUnit.SECONDS);
            if (!ended) {
                driver.destroyForcibly(); // no driver outlives a failed run
            }
            assertThat(ended)
                    .as("run %d ends (seed %d); see %s", run, seed, log)
                    .isTrue();
            assertThat(driver.exitValue())
                    .as("run %d (seed %d); see %s", run, seed, log)
                    .isZero();
            break;
        }
        Map<Integer, Integer> counts = counts(out);
        for (int i = 0; i < N; i++) {
            assertThat(counts.getOrDefault(i, 0))
                    .as("record %d (seed %d)", i, seed)
                    .isPositive();
            if (!inDoubt.contains(i)) {
                assertThat(counts.get(i))
                        .as("record %d, stored before a kill or never in doubt (seed %d)", i, seed)
                        .isEqualTo(1);
            }
        }
        assertThat(kills).isPositive();
        assertThat(dir.resolve("wal/receivers").toFile().list())
                .as("receiver logs")
                .isNotEmpty();
        assertThat(dir.resolve("wal/driver")).isDirectory();
    }

    private Process driver(Path checkpoint, Path journal, Path out, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-XX:") || arg.startsWith("-D") || arg.startsWith("-Xmx")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ReceiverDriver.class.getName(),
                checkpoint.toUri().toString(),
                journal.toString(),
                out.toString(),
                Integer.toString(N),
                LifeboatDriverWriteAheadLog.URI_KEY + "="
                        + dir.resolve("wal/driver").toUri(),
                LifeboatReceiverWriteAheadLog.URI_KEY + "="
                        + dir.resolve("wal/receivers").toUri()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** How many records the receiver acknowledged (its store() returned). */
    private static int acknowledged(Path journal) throws IOException {
        int max = -1;
        if (Files.exists(journal)) {
            for (String line : Files.readAllLines(journal)) {
                String[] f = line.split(" ", -1);
                if (f.length == 3 && f[0].equals("A")) {
                    max = Math.max(max, Integer.parseInt(f[2]));
                }
            }
        }
        return max + 1;
    }

    /** Records of blocks that were being stored but not acknowledged: the next receiver resends them. */
    private static Set<Integer> unacknowledged(Path journal) throws IOException {
        Set<String> acked = new HashSet<>();
        List<String> started = new ArrayList<>();
        for (String line : Files.readAllLines(journal)) {
            String[] f = line.split(" ", -1);
            if (f.length == 3) {
                (f[0].equals("A") ? acked : new HashSet<String>()).add(f[1] + " " + f[2]);
                if (f[0].equals("S")) {
                    started.add(f[1] + " " + f[2]);
                }
            }
        }
        Set<Integer> doubt = new HashSet<>();
        for (String block : started) {
            if (!acked.contains(block)) {
                String[] f = block.split(" ", -1);
                for (int i = Integer.parseInt(f[0]); i <= Integer.parseInt(f[1]); i++) {
                    doubt.add(i);
                }
            }
        }
        return doubt;
    }

    private static Map<Integer, Integer> counts(Path out) throws IOException {
        Map<Integer, Integer> counts = new HashMap<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("batch-")) {
                    for (String line : Files.readAllLines(f)) {
                        if (!line.isEmpty()) {
                            counts.merge(Integer.parseInt(line), 1, Integer::sum);
                        }
                    }
                }
            }
        }
        return counts;
    }
}

package dev.lifeboat.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spark.internal.CheckpointSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two drivers on one checkpoint location (a zombie and its successor), and overwriting writers
 * beside readers, on every store: exactly one driver commits each batch file; a reader sees one
 * whole version of a file, never a mix; one offsets entry on S3 costs no COPY, DELETE or LIST.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointRaceTest {
    enum Store {
        LOCAL,
        S3,
        HDFS
    }

    private static final int ROUNDS = Integer.getInteger("lifeboat.soak.rounds", 5);

    private TestServers.S3 s3;
    private TestServers.Hdfs hdfs;
    private java.nio.file.Path localRoot;
    private ExecutorService pool;

    @BeforeAll
    void start() throws Exception {
        localRoot = Files.createTempDirectory("lifeboat-spark-race");
        s3 = TestServers.S3.start(Files.createTempDirectory("lifeboat-spark-race-s3"));
        hdfs = TestServers.Hdfs.start(Files.createTempDirectory("lifeboat-spark-race-hdfs"));
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
        if (s3 != null) {
            s3.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private Configuration conf(Store store) {
        Configuration conf = new Configuration(false);
        switch (store) {
            case LOCAL -> conf.set(CheckpointSettings.ROOT, localRoot.toUri().toString());
            case S3 -> {
                conf.set(CheckpointSettings.ROOT, "s3a://" + TestServers.S3.BUCKET + "/race");
                s3.sparkConf(s3.endpoint).forEach(conf::set);
            }
            case HDFS -> conf.set(CheckpointSettings.ROOT, hdfs.uri + "/race");
        }
        return conf;
    }

    private Path location(Store store) {
        return new Path(conf(store).get(CheckpointSettings.ROOT), "query-" + UUID.randomUUID());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aZombieDriverCannotCommitABatchTheOtherCommitted(Store store) throws Exception {
        Path offsets = new Path(location(store), "offsets");
        // Each driver has its own manager, as two driver JVMs would.
        CheckpointFileManager first = new LifeboatCheckpointFileManager(offsets, conf(store));
        CheckpointFileManager zombie = new LifeboatCheckpointFileManager(offsets, conf(store));
        for (int batch = 0; batch < ROUNDS; batch++) {
            Path file = new Path(offsets, Integer.toString(batch));
            CheckpointFileManager.CancellableFSDataOutputStream a = first.createAtomic(file, false);
            CheckpointFileManager.CancellableFSDataOutputStream b = zombie.createAtomic(file, false);
            a.write(("driver-a batch " + batch).getBytes(StandardCharsets.UTF_8));
            b.write(("driver-b batch " + batch).getBytes(StandardCharsets.UTF_8));
            CountDownLatch go = new CountDownLatch(1);
            Future<Throwable> fa = pool.submit(() -> closeAfter(go, a));
            Future<Throwable> fb = pool.submit(() -> closeAfter(go, b));
            go.countDown();
            Throwable ea = fa.get();
            Throwable eb = fb.get();
            assertThat(ea == null ^ eb == null)
                    .as("exactly one driver commits batch %d (a: %s, b: %s)", batch, ea, eb)
                    .isTrue();
            Throwable loser = ea == null ? eb : ea;
            assertThat(loser).isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(file.getName());
            String winner = ea == null ? "driver-a" : "driver-b";
            assertThat(read(zombie, file)).isEqualTo(winner + " batch " + batch);
            assertThat(read(first, file)).isEqualTo(winner + " batch " + batch);
            // A zombie that comes later, with the batch already committed, fails the same way.
            CheckpointFileManager.CancellableFSDataOutputStream late = zombie.createAtomic(file, false);
            late.write(1);
            assertThatThrownBy(late::close).isInstanceOf(FileAlreadyExistsException.class);
            assertThat(read(first, file)).isEqualTo(winner + " batch " + batch);
        }
        assertThat(first.list(offsets)).hasSize(ROUNDS);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void readersSeeOneWholeVersionWhileWritersOverwrite(Store store) throws Exception {
        Path dir = new Path(location(store), "state/0/0");
        Path file = new Path(dir, "1.delta");
        CheckpointFileManager writerA = new LifeboatCheckpointFileManager(dir, conf(store));
        CheckpointFileManager writerB = new LifeboatCheckpointFileManager(dir, conf(store));
        CheckpointFileManager reader = new LifeboatCheckpointFileManager(dir, conf(store));
        write(writerA, file, "a", 0);
        AtomicBoolean done = new AtomicBoolean();
        List<Future<?>> writers = new ArrayList<>();
        for (CheckpointFileManager[] w : new CheckpointFileManager[][] {{writerA}, {writerB}}) {
            String name = w[0] == writerA ? "a" : "b";
            writers.add(pool.submit(() -> {
                for (int v = 1; v <= ROUNDS * 2; v++) {
                    write(w[0], file, name, v);
                }
                return null;
            }));
        }
        Future<Integer> reads = pool.submit(() -> {
            int n = 0;
            while (!done.get()) {
                String content = read(reader, file);
                assertWhole(content);
                n++;
            }
            return n;
        });
        for (Future<?> w : writers) {
            w.get();
        }
        done.set(true);
        assertThat(reads.get()).isPositive();
        assertWhole(read(reader, file));
        assertThat(reader.list(dir)).extracting(s -> s.getPath().getName()).containsExactly("1.delta");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aFileThatWasOverwrittenStillRefusesANonOverwritingCreate(Store store) throws Exception {
        Path dir = new Path(location(store), "state/0/1");
        Path file = new Path(dir, "2.snapshot");
        CheckpointFileManager fm = new LifeboatCheckpointFileManager(dir, conf(store));
        for (int v = 0; v < 3; v++) {
            write(fm, file, "w", v);
        }
        CheckpointFileManager.CancellableFSDataOutputStream out = fm.createAtomic(file, false);
        out.write(1);
        assertThatThrownBy(out::close).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(read(fm, file)).startsWith("w:2;");
        fm.delete(file);
        assertThat(fm.exists(file)).isFalse();
        CheckpointFileManager.CancellableFSDataOutputStream again = fm.createAtomic(file, false);
        again.write("new".getBytes(StandardCharsets.UTF_8));
        again.close();
        assertThat(read(fm, file)).isEqualTo("new");
    }

    @Test
    void oneOffsetsEntryOnS3CostsTwoPutsAndNoCopyDeleteOrList() throws Exception {
        Path offsets = new Path(location(Store.S3), "offsets");
        CheckpointFileManager manager = new LifeboatCheckpointFileManager(offsets, conf(Store.S3));
        write(manager, new Path(offsets, "0"), "warm-up", 0);
        S3RequestLog.reset();
        CheckpointFileManager.CancellableFSDataOutputStream out = manager.createAtomic(new Path(offsets, "1"), false);
        out.write(new byte[1024]);
        out.close();
        List<S3RequestLog.Request> all = S3RequestLog.requests();
        assertThat(S3RequestLog.count(r -> r.is("PUT"))).as("PUTs in %s", all).isLessThanOrEqualTo(2);
        assertThat(S3RequestLog.count(r -> r.is("PUT") && r.ifNoneMatch()))
                .as("conditional PUTs in %s", all)
                .isEqualTo(1);
        assertThat(S3RequestLog.count(S3RequestLog.Request::copy))
                .as("COPYs in %s", all)
                .isZero();
        assertThat(S3RequestLog.count(r -> r.is("DELETE")))
                .as("DELETEs in %s", all)
                .isZero();
        assertThat(S3RequestLog.count(S3RequestLog.Request::isList))
                .as("LISTs in %s", all)
                .isZero();
        assertThat(all).as("every request of the commit").hasSizeLessThanOrEqualTo(2);
    }

    private static Throwable closeAfter(CountDownLatch go, CheckpointFileManager.CancellableFSDataOutputStream out)
            throws InterruptedException {
        go.await();
        try {
            out.close();
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    /** A version: the writer's name and version, repeated over 64 KiB so that a mix would show. */
    private static void write(CheckpointFileManager fm, Path file, String writer, int version) throws IOException {
        CheckpointFileManager.CancellableFSDataOutputStream out = fm.createAtomic(file, true);
        String line = writer + ":" + version + ";";
        StringBuilder content = new StringBuilder();
        while (content.length() < 64 * 1024) {
            content.append(line);
        }
        out.write(content.toString().getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private static void assertWhole(String content) {
        String first = content.substring(0, content.indexOf(';') + 1);
        assertThat(content.replace(first, ""))
                .as("a version made of one writer's lines only")
                .isEmpty();
        assertThat(content.length()).isGreaterThanOrEqualTo(64 * 1024);
    }

    private static String read(CheckpointFileManager fm, Path file) throws IOException {
        try (FSDataInputStream in = fm.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

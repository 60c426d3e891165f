package dev.lifeboat.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Shared set-up for the suites: where files go, record contents, clean-up, JVM flags. */
public final class BenchSupport {
    /** Chronicle Queue on Java 17 needs these in every JVM that loads it. */
    public static final String FLAG_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";

    public static final String FLAG_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String FLAG_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** Chronicle's usage analytics stay off (the library is also left out of the jar). */
    public static final String FLAG_ANALYTICS = "-Dchronicle.analytics.disable=true";
    /**
     * Heap of every forked benchmark JVM: enough for a 256 MiB checkpoint and the in-process
     * servers, small enough that two forks never starve a shared 2-core machine.
     */
    public static final String FLAG_HEAP = "-Xmx2g";

    /** The flags above, as one list (the runner passes them to every fork and child JVM). */
    public static final List<String> JVM_FLAGS = List.of(FLAG_REFLECT, FLAG_NIO, FLAG_REF, FLAG_ANALYTICS, FLAG_HEAP);

    /** System property naming the directory every suite writes below (default: the temp dir). */
    public static final String BENCH_DIR_PROPERTY = "lifeboat.bench.dir";

    private BenchSupport() {}

    /** The directory every suite writes below, so that the raw baselines and the backends share one disk. */
    public static Path benchDir() {
        return Path.of(System.getProperty(BENCH_DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
    }

    /** A fresh directory for one trial, below {@link #benchDir()}. */
    public static Path freshDir(String name) {
        try {
            Path base = benchDir();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "lifeboat-bench-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory below " + benchDir(), e);
        }
    }

    /** Random, incompressible record bytes, the same for a given size in every run. */
    public static ByteBuffer record(int size) {
        return ByteBuffer.wrap(bytes(size)).asReadOnlyBuffer();
    }

    /** Random, incompressible bytes, the same for a given size in every run. */
    public static byte[] bytes(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Deletes {@code dir} and everything below it; nothing if it does not exist. */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + p, e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Every regular file below {@code dir}, in name order. */
    public static List<Path> filesBelow(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}

package dev.lifeboat.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/** Shared set-up for the suites: where files go, record contents, clean-up. */
public final class BenchSupport {
    /** JVM flags every forked benchmark JVM gets (Chronicle Queue needs them on Java 17). */
    public static final String FLAG_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String FLAG_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String FLAG_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String FLAG_ANALYTICS = "-Dchronicle.analytics.disable=true";

    private BenchSupport() {}

    /**
     * A fresh directory for one trial. Benchmarks write where {@code lifeboat.bench.dir} points
     * (default: the system temp dir), so the raw baseline and the backends share one disk.
     */
    public static Path freshDir(String name) {
        try {
            Path base = Path.of(System.getProperty("lifeboat.bench.dir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "lifeboat-bench-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Random, incompressible record bytes. */
    public static ByteBuffer record(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

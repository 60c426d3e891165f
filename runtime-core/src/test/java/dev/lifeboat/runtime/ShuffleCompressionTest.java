package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shuffle blocks are compressed with zstd by default, and plain when switched off; the answer is the same. */
class ShuffleCompressionTest {
    @TempDir
    Path dir;

    @Test
    void shuffleBlocksAreCompressedUnlessSwitchedOff() throws Exception {
        long compressed = shuffleBytes(dir.resolve("zstd"), true);
        long plain = shuffleBytes(dir.resolve("plain"), false);

        assertThat(compressed).isPositive().isLessThan(plain / 3);
    }

    /** Runs a job with repetitive records and returns the bytes its shuffle left in the store. */
    private static long shuffleBytes(Path dir, boolean compress) throws Exception {
        try (Engine engine = TestEngines.start(
                TestEngines.config(dir).set(EngineConfig.SHUFFLE_COMPRESS, compress), new EventLog())) {
            Map<String, Integer> lengths = engine.parallelize(
                            IntStream.range(0, 20_000).boxed().toList(), 4)
                    .mapToPair(i -> Pair.of("key-" + i, "the same long value, over and over again ".repeat(3)))
                    .groupByKey(4)
                    .mapValues(v -> v.get(0).length())
                    .collectAsMap();
            assertThat(lengths)
                    .hasSize(20_000)
                    .allSatisfy((k, v) -> assertThat(v).isEqualTo(123));
            try (Stream<Path> files = Files.walk(dir.resolve("shuffle"))) {
                return files.filter(Files::isRegularFile)
                        .mapToLong(p -> {
                            try {
                                return Files.size(p);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .sum();
            }
        }
    }
}

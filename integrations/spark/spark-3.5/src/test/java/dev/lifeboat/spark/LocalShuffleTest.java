package dev.lifeboat.spark;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Lifeboat shuffle on a local store (Spark's Java serialiser: the bypass-merge and sort
 * writers). Blocks die with their executor, so Spark re-runs what the executor wrote.
 */
class LocalShuffleTest extends ShuffleSuite {
    private Path dir;

    @Override
    URI store() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("lifeboat-spark-shuffle");
        }
        return dir.toUri();
    }

    @Override
    Map<String, String> conf() {
        return Map.of();
    }

    @Override
    boolean outlivesExecutor() {
        return false;
    }
}

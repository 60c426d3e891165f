package dev.lifeboat.backend.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fail-over times measured by a test class, by kind of fault: printed (median and max) when the
 * class ends and appended to {@code target/zookeeper-failover.csv}, so several runs can be summed
 * up. Measured, never asserted beyond the liveness bound each test states.
 */
final class FailoverTimes {
    private static final Path CSV = Path.of("target", "zookeeper-failover.csv");

    private final Map<String, List<Long>> millis = new LinkedHashMap<>();

    synchronized void add(String kind, long failoverMillis) {
        millis.computeIfAbsent(kind, k -> new ArrayList<>()).add(failoverMillis);
        try {
            Files.createDirectories(CSV.getParent());
            Files.writeString(
                    CSV,
                    kind + "," + failoverMillis + "\n",
                    StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized String report() {
        StringBuilder out = new StringBuilder("Fail-over times (fault -> new leader elected):\n");
        millis.forEach((kind, values) -> {
            List<Long> sorted = values.stream().sorted().toList();
            long median = sorted.size() % 2 == 1
                    ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            out.append(String.format(
                    "  %-40s n=%d median=%dms max=%dms all=%s%n",
                    kind, sorted.size(), median, sorted.get(sorted.size() - 1), values));
        });
        return out.toString();
    }
}

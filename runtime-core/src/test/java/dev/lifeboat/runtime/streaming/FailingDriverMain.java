package dev.lifeboat.runtime.streaming;

import java.nio.file.Files;
import java.nio.file.Path;

/** A driver that fails (exit 7) its first {@code args[1]} attempts, counted in directory {@code args[0]}. */
public final class FailingDriverMain {
    private FailingDriverMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int failures = Integer.parseInt(args[1]);
        long attempt;
        try (var s = Files.list(dir)) {
            attempt = s.count() + 1;
        }
        Files.createFile(dir.resolve("attempt-" + attempt));
        if (attempt <= failures) {
            System.err.println("boom in attempt " + attempt);
            System.exit(7);
        }
    }
}

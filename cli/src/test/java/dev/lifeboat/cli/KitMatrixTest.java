package dev.lifeboat.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit, through {@code lifeboat tck}'s launcher, against the backends that need no server:
 * their sections of docs/capabilities.md, checked as {@link KitSections#listedSkips} says (each of
 * these backends' own build runs the whole kit; writing runs it here).
 */
class KitMatrixTest {
    @TempDir
    static Path dir;

    @Test
    void localBackend() {
        KitSections.listedSkips(
                "local", "`file:` on a local directory", dir.resolve("local").toUri(), Map.of());
    }

    @Test
    void memBackend() {
        KitSections.listedSkips(
                "mem", "`mem:` in the test's JVM", java.net.URI.create("mem:kit-" + UUID.randomUUID()), Map.of());
    }

    @Test
    void chronicleBackend() {
        KitSections.listedSkips(
                "chronicle",
                "`chronicle:` on a local directory",
                java.net.URI.create(
                        "chronicle://" + dir.resolve("chronicle").toUri().getPath()),
                Map.of(),
                // As ChronicleWriteAheadLogCompatibilityTest overrides it.
                Map.of(
                        "tornTailAtEveryOffsetOfTheLastRecordIsCutOff",
                        "a cut cycle file reads as zeros up to its preallocated size, so the torn tail found is"
                                + " the whole last excerpt, from its header, and a writer moves on to a new cycle"
                                + " file (docs/backends/chronicle.md)."));
    }
}

package dev.lifeboat.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole kit, through {@code lifeboat tck}'s launcher, against the backends that need no
 * server: its results are their sections of docs/capabilities.md (see {@link KitSections}).
 */
class KitMatrixTest {
    @TempDir
    static Path dir;

    @Test
    void localBackend() {
        KitSections.wholeKit(
                "local", "`file:` on a local directory", dir.resolve("local").toUri(), Map.of());
    }

    @Test
    void memBackend() {
        KitSections.wholeKit(
                "mem", "`mem:` in the test's JVM", java.net.URI.create("mem:kit-" + UUID.randomUUID()), Map.of());
    }

    @Test
    void chronicleBackend() {
        KitSections.wholeKit(
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

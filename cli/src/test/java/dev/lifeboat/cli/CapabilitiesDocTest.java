package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.cli.tck.KitMatrix;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/capabilities.md declares what the providers declare, and has a kit section for every
 * backend the CLI's tests run the kit against (which check each section's content).
 */
class CapabilitiesDocTest {
    @Test
    void checkedInMatrixMatchesTheProviders() throws Exception {
        String doc = KitSections.read();
        Map<String, String> sections = KitMatrix.sections(doc);
        String generated = Capabilities.markdown(sections);
        if (KitMatrix.writing()) {
            java.nio.file.Files.writeString(KitSections.DOC, generated, java.nio.charset.StandardCharsets.UTF_8);
            doc = generated;
        }
        assertThat(generated)
                .contains("| Write-ahead log | `WAL_DURABLE_SYNC` |")
                .contains("| `file:` |")
                .contains("| `s3:` |")
                .contains("| `zk:` |")
                .contains("| `chronicle:` |");
        assertThat(doc)
                .as("docs/capabilities.md is stale: run ./lifeboat capabilities --write docs/capabilities.md"
                        + " (the declared part), or for the kit results: " + KitSections.REGENERATE)
                .isEqualTo(generated);
        assertThat(sections.keySet())
                .as("a kit section per backend, each produced by a kit run: " + KitSections.REGENERATE)
                .containsExactlyElementsOf(Capabilities.KIT_BACKENDS);
        if (!KitMatrix.writing()) {
            assertThat(doc).doesNotContain("not run yet");
        }
    }

    @Test
    void commandPrintsTheDeclaredCapabilities() {
        Cli.Run run = Cli.run("capabilities");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(Capabilities.declared());
        assertThat(run.out()).contains("| Leader election | `ELECTION_CROSS_PROCESS` |");
    }
}

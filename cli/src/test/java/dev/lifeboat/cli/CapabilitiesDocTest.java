package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/capabilities.md is what the providers declare: regenerate it when a backend changes. */
class CapabilitiesDocTest {
    @Test
    void checkedInMatrixMatchesTheProviders() throws Exception {
        String generated = Capabilities.markdown();
        assertThat(generated)
                .contains("| `file:` | `LocalWriteAheadLogProvider` |")
                .contains("| `s3:` | `S3CheckpointStoreProvider` |")
                .contains("| `zk:` | `ZooKeeperLeaderElectionProvider` |")
                .contains("| `chronicle:` | `ChronicleWriteAheadLogProvider` |");
        Path doc = Path.of("..", "docs", "capabilities.md");
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("docs/capabilities.md is stale: run ./lifeboat capabilities --write docs/capabilities.md")
                .isEqualTo(generated);
    }

    @Test
    void commandPrintsTheMatrix() {
        Cli.Run run = Cli.run("capabilities");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(Capabilities.markdown());
    }
}

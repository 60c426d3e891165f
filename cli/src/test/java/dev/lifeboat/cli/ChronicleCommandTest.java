package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command on Chronicle Queue, the one backend with a write-ahead log only: the streaming demo
 * with its log on {@code chronicle:} (its drivers are other JVMs, which need Chronicle's flags as
 * this one does), then {@code inspect} on the log it left.
 */
class ChronicleCommandTest {
    @TempDir
    Path dir;

    @Test
    void streamingDemoRunsWithItsWalOnChronicleThenInspectReadsIt() {
        String root = "chronicle://" + dir.resolve("wal").toUri().getPath();
        Cli.Run run = Cli.run("demo", "streaming", "--wal", root);
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("RESULT: exactly-once counts verified");

        Matcher wal = Pattern.compile("wal: (chronicle:\\S+)").matcher(run.out());
        assertThat(wal.find()).as(run.out()).isTrue();
        assertThat(wal.group(1)).startsWith(root);
        Cli.Run inspect = Cli.run("inspect", "--kind", "wal", wal.group(1));
        assertThat(inspect.exit()).as(inspect.out()).isZero();
        assertThat(inspect.out())
                .containsPattern(
                        "records: [1-9][0-9]* \\([0-9]+ payload bytes\\), LSN [0-9]+\\.\\.399, checksums verified")
                .contains("OK: no damage found");
    }
}

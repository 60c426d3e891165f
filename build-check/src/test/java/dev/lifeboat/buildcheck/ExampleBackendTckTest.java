package dev.lifeboat.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat tck} runs the kit against a backend built outside this tree: the SQLite example,
 * built by its own pom before the tests, with only its jar added to the command's class path, as
 * a backend author would run it.
 */
class ExampleBackendTckTest {
    private static final Path EXAMPLE_JAR = Path.of(
            "target/examples/sqlite-checkpoint-store/target/lifeboat-sqlite-checkpoint-store-1.0.0-with-driver.jar");

    @TempDir
    Path dir;

    @Test
    void theKitPassesOnTheExampleBackendThroughTheCommand() throws IOException, InterruptedException {
        assertThat(EXAMPLE_JAR).as("built by the invoker before the tests").isRegularFile();
        Path out = dir.resolve("tck.out");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path") + File.pathSeparator + EXAMPLE_JAR.toAbsolutePath(),
                        "dev.lifeboat.cli.Main",
                        "tck",
                        "sqlite:" + dir.toAbsolutePath(),
                        "--contract",
                        "checkpoint")
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        boolean exited = p.waitFor(15, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(exited).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("SqliteCheckpointStoreProvider", "RESULT: no failures")
                .doesNotContain("FAIL ");
        assertThat(List.of(output.split("\n")))
                .as("no test of the contract is skipped without its reason")
                .noneMatch(l -> l.startsWith("skip ") && !l.contains(":"));
    }
}

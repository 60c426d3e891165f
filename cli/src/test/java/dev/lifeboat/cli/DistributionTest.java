package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as a user gets it: unpacked outside the source tree, run from another
 * directory through its own {@code bin/lifeboat}, with a third-party backend named by
 * {@code --classpath}. Runs in {@code verify}, after {@code package} built the archive.
 */
class DistributionTest {
    @TempDir
    Path dir;

    private Path unpack() throws Exception {
        Path archive = Path.of(System.getProperty("lifeboat.dist.archive", "target/none.tar.gz"));
        assertThat(archive).as("the archive ./mvnw package builds").exists();
        Path install = Files.createDirectories(dir.resolve("install"));
        Cli.Run tar =
                Cli.exec(install, List.of("tar", "xzf", archive.toAbsolutePath().toString()), 120);
        assertThat(tar.exit()).as(tar.out()).isZero();
        try (var entries = Files.list(install)) {
            Path home = entries.findFirst().orElseThrow();
            assertThat(home.getFileName().toString()).matches("lifeboat-cli-.+");
            assertThat(home.resolve("bin/lifeboat")).isExecutable();
            try (var lib = Files.list(home.resolve("lib"))) {
                assertThat(lib.map(p -> p.getFileName().toString()).toList())
                        .anyMatch(n -> n.startsWith("lifeboat-cli-"))
                        .anyMatch(n -> n.startsWith("lifeboat-backend-hadoop-"))
                        .anyMatch(n -> n.startsWith("lifeboat-backend-s3-"))
                        .anyMatch(n -> n.startsWith("lifeboat-backend-azure-"))
                        .anyMatch(n -> n.startsWith("lifeboat-backend-chronicle-"))
                        .anyMatch(n -> n.startsWith("lifeboat-backend-zookeeper-"))
                        .anyMatch(n -> n.startsWith("lifeboat-compat-tests-"));
            }
            return home;
        }
    }

    @Test
    void unpackedArchiveRunsTheDemoFromAnotherDirectory() throws Exception {
        Path home = unpack();
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Cli.Run demo =
                Cli.exec(elsewhere, List.of(home.resolve("bin/lifeboat").toString(), "demo", "--lines", "1000"), 600);
        assertThat(demo.exit()).as(demo.out()).isZero();
        assertThat(demo.out()).contains("RESULT: identical to the fault-free run");

        Path chronicle = Files.createDirectories(dir.resolve("chronicle"));
        Cli.Run streaming = Cli.exec(
                elsewhere,
                List.of(
                        home.resolve("bin/lifeboat").toString(),
                        "demo",
                        "streaming",
                        "--wal",
                        chronicle.toUri().toString().replaceFirst("^file:", "chronicle:")),
                600);
        assertThat(streaming.exit()).as(streaming.out()).isZero();
        assertThat(streaming.out()).contains("RESULT: exactly-once counts verified");
    }

    @Test
    void thirdPartyJarOnTheClassPathServesItsScheme() throws Exception {
        Path home = unpack();
        Path jar = Cli.fixtureJar(
                "lossy",
                dir,
                List.of("LossyWriteAheadLogProvider.java"),
                List.of("dev.lifeboat.spi.wal.WriteAheadLogProvider.service"));
        String uri = "lossy://" + dir.resolve("kit");
        List<String> tck = List.of("tck", uri, "--contract", "wal", "--tests", "recordsSurviveCloseAndReopen");

        Cli.Run without = Cli.exec(dir, command(home, tck, List.of()), 120);
        assertThat(without.exit()).as(without.out()).isEqualTo(2);
        assertThat(without.out()).contains("'lossy'");

        Cli.Run with = Cli.exec(dir, command(home, tck, List.of("--classpath", jar.toString())), 600);
        assertThat(with.exit()).as(with.out()).isEqualTo(1);
        assertThat(with.out()).contains("LossyWriteAheadLogProvider").contains("FAIL  recordsSurviveCloseAndReopen: ");

        Path plugins = home.resolve("plugins");
        Files.copy(jar, plugins.resolve("lossy.jar"));
        Cli.Run plugin = Cli.exec(dir, command(home, tck, List.of()), 600);
        assertThat(plugin.exit()).as(plugin.out()).isEqualTo(1);
        assertThat(plugin.out()).contains("FAIL  recordsSurviveCloseAndReopen: ");
    }

    private static List<String> command(Path home, List<String> args, List<String> before) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(home.resolve("bin/lifeboat").toString());
        cmd.addAll(before);
        cmd.addAll(args);
        return cmd;
    }
}

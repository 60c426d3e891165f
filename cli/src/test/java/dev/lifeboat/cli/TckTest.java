package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat tck} against the local backend (in this JVM) and against a third-party jar on
 * the command's class path: a deliberately broken WAL that loses the last record on reopen.
 */
class TckTest {
    @TempDir
    Path dir;

    @Test
    void localShuffleContractPassesWithItsSkipExplained() {
        Cli.Run run = Cli.run("tck", dir.toString(), "--contract", "shuffle");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .contains("shuffle block store", "LocalShuffleBlockStoreProvider", "RESULT: no failures")
                .containsPattern("shuffle block store +1[0-9] +1 +0 ")
                .contains("skip  blocksOutliveTheStoreInstanceThatWroteThem: backend does not declare "
                        + "SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR")
                .doesNotContain("write-ahead log");
    }

    @Test
    void badArgumentsNameTheBadValue() {
        Cli.Run contract = Cli.run("tck", dir.toString(), "--contract", "queue");
        assertThat(contract.exit()).isEqualTo(2);
        assertThat(contract.out()).contains("--contract 'queue' must be wal, checkpoint, shuffle or election");

        Cli.Run option = Cli.run("tck", dir.toString(), "--contract", "checkpoint", "--option", "no-such-key=1");
        assertThat(option.exit()).isEqualTo(2);
        assertThat(option.out()).contains("option 'no-such-key' is accepted by no provider under test");

        Cli.Run scheme = Cli.run("tck", "nosuch://x/y");
        assertThat(scheme.exit()).isEqualTo(2);
        assertThat(scheme.out()).contains("nosuch");
    }

    @Test
    void brokenThirdPartyWalFailsTheKitNamingTheFailingTests() throws Exception {
        Path jar = Cli.fixtureJar(
                "lossy",
                dir,
                List.of("LossyWriteAheadLogProvider.java"),
                List.of("dev.lifeboat.spi.wal.WriteAheadLogProvider.service"));
        // Not on this JVM's class path: the command finds the backend only through the jar.
        Cli.Run without = Cli.run("tck", "lossy://" + dir.resolve("kit"), "--contract", "wal");
        assertThat(without.exit()).isEqualTo(2);

        Cli.Run run = Cli.exec(
                dir,
                Cli.java(
                        jar.toString(),
                        "tck",
                        "lossy://" + dir.resolve("kit"),
                        "--contract",
                        "wal",
                        "--tests",
                        "recordsSurviveCloseAndReopen|serviceLoaderFindsTheProviderForItsScheme"),
                600);
        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(run.out())
                .contains("LossyWriteAheadLogProvider")
                .containsPattern("write-ahead log +1 +0 +1 ")
                .contains("FAIL  recordsSurviveCloseAndReopen: ")
                .contains("RESULT: 1 failure");
    }
}

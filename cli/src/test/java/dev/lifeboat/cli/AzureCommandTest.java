package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.backend.azure.Azurite;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The command on Azure Blob Storage, on the Azurite emulator started for this class as
 * backends/azure's tests start it: both demos with every store on {@code azblob:}, {@code inspect}
 * on what they wrote, {@code tck} on one contract, and the kit's section of docs/capabilities.md.
 * The options are the ones a user passes for a storage account: its endpoint and key.
 */
class AzureCommandTest {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    private static List<String> command(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        AZURITE.options().forEach((k, v) -> all.addAll(List.of("--option", k + "=" + v)));
        return all;
    }

    private static Cli.Run run(List<String> args) {
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void batchDemoRunsWithShuffleBlocksAndCheckpointsOnAzure() {
        URI root = AZURITE.newRoot();
        Cli.Run run = run(command(
                "demo", "--lines", "1000", "--shuffle-store", root + "/shuffle", "--checkpoint-store", root + "/cp"));
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .contains("shuffle store " + root + "/shuffle/demo-")
                .contains("checkpoint store " + root + "/cp/demo-")
                .contains("RESULT: identical to the fault-free run");
    }

    /**
     * The leader is killed and its Azure blob lease must run out before the standby takes over:
     * the shortest lease the service grants (15 s) keeps the wait short.
     */
    @Test
    void streamingDemoRunsWithItsWalCheckpointsAndElectionOnAzureThenInspectReadsThem() {
        URI root = AZURITE.newRoot();
        List<String> args = command(
                "demo",
                "streaming",
                "--wal",
                root + "/wal",
                "--checkpoint-store",
                root + "/cp",
                "--election",
                root + "/election");
        args.addAll(List.of("--option", "lease-duration=15s", "--option", "renew-interval=500ms"));
        Cli.Run run = run(args);
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("RESULT: exactly-once counts verified");

        Matcher wal = Pattern.compile("wal: (azblob://\\S+)").matcher(run.out());
        assertThat(wal.find()).as(run.out()).isTrue();
        Cli.Run inspectWal = run(command("inspect", "--kind", "wal", wal.group(1)));
        assertThat(inspectWal.exit()).as(inspectWal.out()).isZero();
        assertThat(inspectWal.out())
                .containsPattern(
                        "records: [1-9][0-9]* \\([0-9]+ payload bytes\\), LSN [0-9]+\\.\\.399, checksums verified")
                .contains("OK: no damage found");

        Matcher cp = Pattern.compile("checkpoint: (azblob://\\S+)").matcher(run.out());
        assertThat(cp.find()).as(run.out()).isTrue();
        Cli.Run inspectCp = run(command("inspect", "--kind", "checkpoints", cp.group(1)));
        assertThat(inspectCp.exit()).as(inspectCp.out()).isZero();
        assertThat(inspectCp.out()).containsPattern("checkpoints: [1-9]").contains("OK: no damage found");
    }

    @Test
    void tckRunsTheShuffleContractOnAzure() {
        Cli.Run run = run(command("tck", AZURITE.newRoot().toString(), "--contract", "shuffle"));
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .containsPattern("shuffle block store +[1-9][0-9]* +[0-9]+ +0 +dev.lifeboat.backend.azure")
                .contains("RESULT: no failures");
    }

    /** The kit's section of docs/capabilities.md for Azure: see {@link KitSections#listedSkips}. */
    @Test
    void capabilityMatrixOfAzure() {
        Map<String, String> options = new java.util.LinkedHashMap<>(AZURITE.options());
        // As AzureLeaderElectionCompatibilityTest: the shortest lease the service grants.
        options.put("lease-duration", "15s");
        options.put("renew-interval", "500ms");
        KitSections.listedSkips(
                "azure",
                "`azblob:` on Azurite (in memory)",
                AZURITE.newRoot(),
                options,
                // As AzureWriteAheadLogCompatibilityTest overrides it.
                Map.of(
                        "secondWriterOnTheSameLogIsRefused",
                        "a second writer opens and seals the log's append blobs, so the first is fenced at its"
                                + " next append (FencedException) rather than the second refused; the first's"
                                + " acknowledged records stay and the second continues after them"
                                + " (docs/backends/azure.md)."));
    }
}

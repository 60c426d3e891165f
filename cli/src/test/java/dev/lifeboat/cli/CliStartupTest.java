package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command carries every backend, yet a command on a local URI loads no backend client: the
 * providers it discovers are small classes, and Hadoop, the AWS and Azure SDKs, Curator,
 * ZooKeeper and Chronicle are loaded only when their scheme is used. Checked in a fresh JVM that
 * logs every class it loads.
 */
class CliStartupTest {
    @TempDir
    Path dir;

    @Test
    void inspectOnALocalUriLoadsNoBackendClient() throws Exception {
        List<String> cmd = new ArrayList<>(
                Cli.java(null, "inspect", "--kind", "wal", dir.toUri().toString()));
        cmd.add(1, "-Xlog:class+load=info");
        Cli.Run run = Cli.exec(dir, cmd, 120);
        assertThat(run.out()).contains("nothing stored at");
        List<String> loaded = run.out()
                .lines()
                .filter(l -> l.contains("[class,load]"))
                .map(l -> l.replaceFirst(".*\\[class,load\\] (\\S+).*", "$1"))
                .toList();
        assertThat(loaded)
                .as("every backend's providers were discovered")
                .contains(
                        "dev.lifeboat.backend.hadoop.HadoopWriteAheadLogProvider",
                        "dev.lifeboat.backend.s3.S3WriteAheadLogProvider",
                        "dev.lifeboat.backend.azure.AzureWriteAheadLogProvider",
                        "dev.lifeboat.backend.chronicle.ChronicleWriteAheadLogProvider");
        assertThat(loaded)
                .as("no backend client was loaded")
                .noneMatch(c -> c.startsWith("org.apache.hadoop.")
                        || c.startsWith("software.amazon.")
                        || c.startsWith("com.azure.")
                        || c.startsWith("org.apache.curator.")
                        || c.startsWith("org.apache.zookeeper.")
                        || c.startsWith("net.openhft."));
    }
}

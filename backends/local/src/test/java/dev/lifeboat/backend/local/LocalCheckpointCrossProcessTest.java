package dev.lifeboat.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Put-if-absent and fencing between processes: several JVMs race to commit the same ids, each
 * with its own epoch; every id ends up committed exactly once, and what is read back is the
 * winner's.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalCheckpointCrossProcessTest {
    private static final int CHILDREN = 3;
    private static final int IDS = 40;

    @TempDir
    Path dir;

    @Test
    void jvmsRacingForTheSameIdsCommitEachExactlyOnce() throws Exception {
        URI root = dir.resolve("store").toUri();
        Path go = dir.resolve("go");
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < CHILDREN; c++) {
            children.add(new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx128m",
                            "-XX:TieredStopAtLevel=1",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Child.class.getName(),
                            root.toString(),
                            go.toString(),
                            "child-" + c,
                            Integer.toString(c + 1))
                    .redirectErrorStream(true)
                    .start());
        }
        Files.createFile(go);
        Map<String, String> winners = new HashMap<>();
        for (Process p : children) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("child output:%n%s", out).isZero();
            for (String line : out.split("\n", -1)) {
                if (line.startsWith("WON ")) {
                    String[] w = line.split(" ", -1);
                    assertThat(winners.put(w[1], w[2]))
                            .as("second winner of %s", w[1])
                            .isNull();
                }
            }
        }
        // The child with the highest epoch is never fenced, so it committed every id nobody had.
        assertThat(winners).hasSize(IDS);
        try (CheckpointStore store = Lifeboat.openCheckpointStore(root, Map.of())) {
            assertThat(store.list("race")).hasSize(IDS);
            for (Map.Entry<String, String> w : winners.entrySet()) {
                Checkpoint c = store.open(CheckpointId.of(w.getKey())).orElseThrow();
                assertThat(new String(c.readPart("data"), StandardCharsets.UTF_8))
                        .isEqualTo(w.getValue());
                assertThat(c.info().epoch())
                        .isEqualTo(Long.parseLong(w.getValue().substring("child-".length())) + 1);
            }
        }
    }

    /** Commits {@code race/0..IDS-1} as fast as it can once the go file exists. Not a test. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            URI root = URI.create(args[0]);
            Path go = Path.of(args[1]);
            String tag = args[2];
            long epoch = Long.parseLong(args[3]);
            try (CheckpointStore store = Lifeboat.openCheckpointStore(root, Map.of())) {
                while (!Files.exists(go)) {
                    Thread.sleep(1);
                }
                for (int i = 0; i < IDS; i++) {
                    String id = "race/" + i;
                    try (CheckpointWriter w = store.begin(CheckpointId.of(id), epoch)) {
                        w.writePart("data", tag.getBytes(StandardCharsets.UTF_8));
                        w.commit();
                        System.out.println("WON " + id + " " + tag);
                    } catch (AlreadyCommittedException | FencedException e) {
                        System.out.println("LOST " + id + " " + e.getClass().getSimpleName());
                    } catch (IOException e) {
                        e.printStackTrace(System.out);
                        System.exit(2);
                    }
                }
            }
        }
    }
}

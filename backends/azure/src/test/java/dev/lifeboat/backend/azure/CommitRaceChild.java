package dev.lifeboat.backend.azure;

import dev.lifeboat.compat.internal.ChildArgs;
import dev.lifeboat.compat.internal.ChildSupport;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One side of {@link AzureCrossProcessTest}'s commit race, in its own JVM. For each round
 * {@code n} it begins checkpoint {@code race/<n>}, writes its parts ({@link #part}), prints
 * {@code READY <n>}, waits until the file {@code go-<n>} appears in the go directory (the parent
 * creates it once both children are ready, so the two commits leave at the same moment), commits,
 * and prints {@code WON <n> <attemptId>} or {@code LOST <n> <id named by the exception>
 * <attemptId>}; anything else ends it with the failure on standard error.
 *
 * <p>Usage: {@code CommitRaceChild <uri> <options> <tag> <rounds> <go directory>}.
 */
public final class CommitRaceChild {
    private CommitRaceChild() {}

    static CheckpointId id(int round) {
        return CheckpointId.of("race/" + round);
    }

    /** What the child tagged {@code tag} writes as part {@code p} of round {@code n}. */
    static byte[] part(String tag, int n, int p) {
        return (tag + " round " + n + " part " + p + " ").repeat(50 + p).getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        ChildSupport.requireArgs(args, 5, "CommitRaceChild <uri> <options> <tag> <rounds> <go directory>");
        ChildSupport.exitWhenParentDies();
        try {
            URI uri = ChildArgs.decodeUri(args[0]);
            Map<String, String> options = ChildArgs.decodeOptions(args[1]);
            String tag = args[2];
            int rounds = Integer.parseInt(args[3]);
            Path go = Path.of(args[4]);
            try (CheckpointStore store = Lifeboat.openCheckpointStore(uri, options)) {
                for (int n = 0; n < rounds; n++) {
                    try (CheckpointWriter w = store.begin(id(n))) {
                        for (int p = 0; p < 3; p++) {
                            w.writePart("part-" + p, part(tag, n, p));
                        }
                        ChildSupport.emit("READY " + n);
                        Path file = go.resolve("go-" + n);
                        while (!Files.exists(file)) {
                            Thread.onSpinWait();
                        }
                        try {
                            CheckpointInfo info = w.commit();
                            ChildSupport.emit("WON " + n + " " + info.attemptId());
                        } catch (AlreadyCommittedException e) {
                            ChildSupport.emit("LOST " + n + " " + e.id().value() + " " + w.attemptId());
                        }
                    }
                }
            }
            ChildSupport.emit("DONE");
        } catch (Throwable t) {
            ChildSupport.fail(t);
        }
    }
}

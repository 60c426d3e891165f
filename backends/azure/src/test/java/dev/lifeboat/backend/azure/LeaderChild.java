package dev.lifeboat.backend.azure;

import dev.lifeboat.compat.internal.ChildArgs;
import dev.lifeboat.compat.internal.ChildSupport;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The leader of {@link AzureCrossProcessTest}'s SIGKILL test, in its own JVM: joins the election
 * at {@code <group>}, and once elected commits checkpoint {@code leader/<epoch>} with its epoch
 * to the store at {@code <checkpoints>} and prints {@code LEADS <epoch>}; then it keeps leading
 * (renewing its lease) until it is killed.
 *
 * <p>Usage: {@code LeaderChild <group> <checkpoints> <options>}.
 */
public final class LeaderChild {
    private static final long MAX_LIFE_MILLIS = 10 * 60 * 1000L;
    /** The election's lease: the shortest the service accepts. */
    static final String LEASE_DURATION = "15s";

    static final String RENEW_INTERVAL = "1s";

    private LeaderChild() {}

    public static void main(String[] args) {
        ChildSupport.requireArgs(args, 3, "LeaderChild <group> <checkpoints> <options>");
        ChildSupport.exitWhenParentDies();
        try {
            URI group = ChildArgs.decodeUri(args[0]);
            URI checkpoints = ChildArgs.decodeUri(args[1]);
            Map<String, String> options = ChildArgs.decodeOptions(args[2]);
            Map<String, String> electionOptions = new java.util.HashMap<>(options);
            electionOptions.put("lease-duration", LEASE_DURATION);
            electionOptions.put("renew-interval", RENEW_INTERVAL);
            BlockingQueue<Leadership> elected = new ArrayBlockingQueue<>(16);
            try (CheckpointStore store = Lifeboat.openCheckpointStore(checkpoints, options);
                    LeaderElection election = Lifeboat.openLeaderElection(group, electionOptions);
                    Candidate candidate = election.join("child", new LeadershipListener() {
                        @Override
                        public void elected(Leadership leadership) {
                            elected.add(leadership);
                        }

                        @Override
                        public void lost(Leadership leadership, LossReason reason) {
                            ChildSupport.emit("LOST " + leadership.epoch() + " " + reason);
                        }
                    })) {
                Leadership l = elected.poll(MAX_LIFE_MILLIS, TimeUnit.MILLISECONDS);
                if (l == null) {
                    throw new AssertionError("not elected");
                }
                try (CheckpointWriter w = store.begin(CheckpointId.of("leader/" + l.epoch()), l.epoch())) {
                    w.writePart("state", ("written by epoch " + l.epoch()).getBytes(StandardCharsets.UTF_8));
                    w.commit();
                }
                ChildSupport.emit("LEADS " + l.epoch() + " " + candidate.isLeader());
                Thread.sleep(MAX_LIFE_MILLIS);
            }
            ChildSupport.emit("DONE");
        } catch (Throwable t) {
            ChildSupport.fail(t);
        }
    }
}

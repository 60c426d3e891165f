package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.streaming.StreamingListener.Phase;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A highly available driver: it joins a leader election (opened by URI: {@code file:} now,
 * ZooKeeper or S3 by their schemes), waits as a standby until it leads, then opens its query with
 * the leadership's epoch and runs it. The query checks before every side effect that the
 * leadership still holds, and storage refuses the epoch once a newer leader committed, so a
 * deposed driver (paused, partitioned, or slow to learn of its loss) stops with
 * {@link QueryFencedException} instead of writing.
 */
public final class StreamingDriver {
    /** Opens the query of one leadership; it must pass {@code epoch} and {@code stillLeader} to the builder. */
    @FunctionalInterface
    public interface QueryFactory {
        StreamingQuery open(long epoch, BooleanSupplier stillLeader) throws IOException;
    }

    private StreamingDriver() {}

    /**
     * Joins the election as {@code participantId}, waits to lead, and runs the query until
     * {@code done}; then resigns.
     *
     * @throws QueryFencedException if this driver was deposed while running
     */
    public static void run(
            URI election,
            Map<String, String> electionOptions,
            String participantId,
            StreamingListener listener,
            QueryFactory factory,
            Predicate<StreamingQuery> done)
            throws IOException, InterruptedException {
        requireNonNull(factory, "factory is null");
        requireNonNull(done, "done is null");
        try (LeaderElection group = Lifeboat.openLeaderElection(election, electionOptions)) {
            Candidate candidate = group.join(participantId, new LeadershipListener() {
                @Override
                public void elected(Leadership leadership) {}

                @Override
                public void lost(Leadership leadership, LossReason reason) {
                    if (reason == LossReason.CLOSED || reason == LossReason.RESIGNED) {
                        return; // this driver left on its own
                    }
                    listener.on(Phase.FENCED, -1, "leadership of epoch " + leadership.epoch() + " lost: " + reason);
                }
            });
            listener.on(
                    Phase.JOINED,
                    -1,
                    participantId + " joined " + election + " (fail-over timeout "
                            + group.failoverTimeout().toMillis() + " ms)");
            while (!candidate.awaitLeadership(Duration.ofSeconds(1))) {
                // a standby: wait for the leader to go
            }
            long epoch = candidate.leadership().map(Leadership::epoch).orElse(0L);
            if (epoch == 0) {
                throw new QueryFencedException("leadership ended right after election", 0, -1, null);
            }
            listener.on(Phase.ELECTED, -1, participantId + " leads with epoch " + epoch);
            try (StreamingQuery query = factory.open(epoch, candidate::isLeader)) {
                query.runUntil(() -> done.test(query));
            } finally {
                candidate.close();
            }
        }
    }
}

package dev.lifeboat.compat.internal;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.net.URI;
import java.util.Map;

/**
 * The child of the leader-election crash test. Opens the election group at a URI with options,
 * joins it as {@code participantId} and stays until it is killed (or its standard input ends). It
 * prints:
 *
 * <pre>
 * JOINED
 * ELECTED &lt;epoch&gt;
 * LOST &lt;epoch&gt; &lt;reason&gt;
 * </pre>
 *
 * Not API.
 *
 * <p>Usage: {@code ElectionChild <uri> <options> <participantId>}.
 */
public final class ElectionChild {
    /** The child leaves by itself after this long, so a child that is never killed ends. */
    private static final long MAX_LIFE_MILLIS = 10 * 60 * 1000L;

    private ElectionChild() {}

    public static void main(String[] args) {
        ChildSupport.requireArgs(args, 3, "ElectionChild <uri> <options> <participantId>");
        ChildSupport.exitWhenParentDies();
        try {
            URI uri = ChildArgs.decodeUri(args[0]);
            Map<String, String> options = ChildArgs.decodeOptions(args[1]);
            try (LeaderElection election = Lifeboat.openLeaderElection(uri, options);
                    Candidate candidate = election.join(args[2], new LeadershipListener() {
                        @Override
                        public void elected(Leadership leadership) {
                            ChildSupport.emit("ELECTED " + leadership.epoch());
                        }

                        @Override
                        public void lost(Leadership leadership, LossReason reason) {
                            ChildSupport.emit("LOST " + leadership.epoch() + " " + reason);
                        }
                    })) {
                ChildSupport.emit("JOINED " + candidate.participantId());
                Thread.sleep(MAX_LIFE_MILLIS);
            }
            ChildSupport.emit("DONE");
        } catch (Throwable t) {
            ChildSupport.fail(t);
        }
    }
}

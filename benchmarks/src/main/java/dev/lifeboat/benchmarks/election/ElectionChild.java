package dev.lifeboat.benchmarks.election;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The leader of {@link ElectionBenchmark}, in a JVM of its own: joins the election given on the
 * command line, prints {@code elected <epoch>} once it leads, then obeys its standard input:
 * {@code resign} resigns (and prints {@code resigned}); end of input closes the candidate. The
 * benchmark may also kill it with SIGKILL at any time.
 *
 * <pre>java -cp benchmarks.jar dev.lifeboat.benchmarks.election.ElectionChild URI participant [key=value...]</pre>
 */
public final class ElectionChild {
    private ElectionChild() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ElectionChild URI participant [key=value...]");
        }
        URI uri = URI.create(args[0]);
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("option '" + args[i] + "' is not key=value");
            }
            options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (LeaderElection election = Lifeboat.openLeaderElection(uri, options);
                Candidate me = election.join(args[1], new LeadershipListener() {
                    @Override
                    public void elected(Leadership leadership) {
                        out.println("elected " + leadership.epoch());
                    }

                    @Override
                    public void lost(Leadership leadership, LossReason reason) {
                        out.println("lost " + reason);
                    }
                })) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("resign")) {
                    me.resign();
                    out.println("resigned");
                }
            }
        }
    }
}

package dev.lifeboat.benchmarks.election;

import dev.lifeboat.benchmarks.BenchSupport;
import dev.lifeboat.benchmarks.servers.BackendFixture;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Leader fail-over time, one shot at a time. Before each shot a leader is elected in a child JVM
 * ({@link ElectionChild}) and a standby joins the same group in the benchmark's JVM; the shot is
 * timed from the event to the standby's {@code elected()}:
 *
 * <ul>
 *   <li>{@code afterResign}: from telling the leader to resign (a line on its standard input)
 *   <li>{@code afterCrash}: from SIGKILL of the leader's JVM
 * </ul>
 *
 * <p>A crash is noticed when the leader's lease or session runs out, so that shot measures the
 * configuration as much as the backend: local candidates poll the OS lock every 100 ms (the
 * default); ZooKeeper runs with a 2 s session timeout and S3 with a 3 s lease renewed every second
 * (both much shorter than their 15 s defaults, to keep the suite short).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {
            BenchSupport.FLAG_REFLECT,
            BenchSupport.FLAG_NIO,
            BenchSupport.FLAG_REF,
            BenchSupport.FLAG_ANALYTICS,
            BenchSupport.FLAG_HEAP
        })
public class ElectionBenchmark {
    private static final long WAIT_SECONDS = 60;

    /** A backend that serves leader election: local, zookeeper, s3 or azure. */
    @Param({"local", "zookeeper", "s3", "azure"})
    public String backend;

    private BackendFixture fixture;
    private Map<String, String> options;
    private LeaderElection election;
    private Process leader;
    private Writer leaderInput;
    private BufferedReader leaderOutput;
    private Candidate standby;
    private CountDownLatch standbyElected;

    @Setup(Level.Trial)
    public void startServer() throws IOException {
        fixture = BackendFixture.start(backend);
        Map<String, String> extra = new HashMap<>();
        if (backend.equals("s3")) {
            extra.put("lease-duration", "3s");
            extra.put("renew-interval", "1s");
        }
        if (backend.equals("azure")) {
            // The shortest lease the service accepts.
            extra.put("lease-duration", "15s");
            extra.put("renew-interval", "1s");
        }
        options = fixture.options(extra);
        try {
            // Fails here, not in a child JVM, if the backend serves no elections.
            Lifeboat.leaderElectionProvider(fixture.uri("probe"));
        } catch (RuntimeException e) {
            fixture.closeAfter(e);
            throw e;
        }
    }

    /** A leader in a child JVM, elected, and a standby here that has joined the same group. */
    @Setup(Level.Invocation)
    public void electLeader() throws IOException, InterruptedException {
        URI group = fixture.uri("group");
        leader = startChild(group, options);
        leaderInput = new OutputStreamWriter(leader.getOutputStream(), StandardCharsets.UTF_8);
        leaderOutput = new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8));
        String line = leaderOutput.readLine();
        if (line == null || !line.startsWith("elected ")) {
            throw new IllegalStateException("the leader in the child JVM was not elected; it said: " + line);
        }
        election = Lifeboat.openLeaderElection(group, options);
        standbyElected = new CountDownLatch(1);
        standby = election.join("standby", new LeadershipListener() {
            @Override
            public void elected(Leadership leadership) {
                standbyElected.countDown();
            }

            @Override
            public void lost(Leadership leadership, LossReason reason) {}
        });
        if (standby.isLeader()) {
            throw new IllegalStateException("the standby leads while the child JVM does");
        }
    }

    @TearDown(Level.Invocation)
    public void stopAll() throws IOException, InterruptedException {
        try {
            if (standby != null) {
                standby.close();
            }
            if (election != null) {
                election.close();
            }
        } finally {
            if (leader != null) {
                leader.destroyForcibly();
                leader.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            standby = null;
            election = null;
            leader = null;
        }
    }

    @TearDown(Level.Trial)
    public void stopServer() throws IOException {
        fixture.close();
    }

    @Benchmark
    public boolean afterResign() throws IOException, InterruptedException {
        leaderInput.write("resign\n");
        leaderInput.flush();
        return awaitStandby();
    }

    @Benchmark
    public boolean afterCrash() throws InterruptedException {
        leader.destroyForcibly();
        return awaitStandby();
    }

    private boolean awaitStandby() throws InterruptedException {
        if (!standbyElected.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the standby was not elected within " + WAIT_SECONDS + " s");
        }
        return true;
    }

    private static Process startChild(URI group, Map<String, String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ElectionChild.class.getName());
        command.add(group.toString());
        command.add("leader");
        options.forEach((k, v) -> command.add(k + "=" + v));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }
}

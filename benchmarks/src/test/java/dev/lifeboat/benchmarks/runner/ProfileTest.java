package dev.lifeboat.benchmarks.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.benchmarks.report.Query;
import dev.lifeboat.benchmarks.report.Target;
import dev.lifeboat.benchmarks.report.Targets;
import dev.lifeboat.benchmarks.runner.Run.Iterations;
import dev.lifeboat.benchmarks.runner.Run.Jar;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The profiles against the benchmarks that exist (the JMH benchmark list on the class path):
 * every run matches benchmarks and only gives them backends they declare, the targets are all
 * measured by both profiles, and the estimates fit the budget (quick: minutes; full: well under
 * an hour on 2 cores).
 */
class ProfileTest {
    /** Spark's runs live in the other jar: matching methods × every parameter's values, all given. */
    private static Duration sparkEstimate(Profile profile) {
        Duration total = Duration.ZERO;
        for (Run spark :
                profile.runs().stream().filter(r -> r.jar() == Jar.SPARK).toList()) {
            java.util.regex.Pattern include = java.util.regex.Pattern.compile(spark.include());
            long methods = List.of(
                            "SparkWalBenchmark.writers1",
                            "SparkWalBenchmark.writers4",
                            "SparkWalBenchmark.writers16",
                            "SparkCheckpointBenchmark.createAtomic")
                    .stream()
                    .filter(m -> include.matcher("dev.lifeboat.benchmarks.spark." + m)
                            .find())
                    .count();
            assertThat(methods).as(spark.name()).isPositive();
            int forks = (int) methods;
            for (List<String> values : spark.params().values()) {
                forks *= values.size();
            }
            total = total.plus(Plan.LAUNCHER).plus(spark.forkTime().multipliedBy(forks));
        }
        return total;
    }

    private static Plan mainPlan(Profile profile) {
        return Plan.of(
                new Profile(
                        profile.name(),
                        profile.runs().stream().filter(r -> r.jar() == Jar.MAIN).toList()),
                null);
    }

    @Test
    void quickTakesMinutes() {
        Profile quick = Profile.quick();
        Duration total = mainPlan(quick).estimate().plus(sparkEstimate(quick));
        assertThat(total).isBetween(Duration.ofMinutes(3), Duration.ofMinutes(10));
    }

    @Test
    void fullTakesWellUnderAnHour() {
        Profile full = Profile.full();
        Plan plan = mainPlan(full);
        Duration total = plan.estimate().plus(sparkEstimate(full));
        assertThat(total).isBetween(Duration.ofMinutes(15), Duration.ofMinutes(45));
        assertThat(plan.forks()).isGreaterThan(100);
    }

    @Test
    void everyRunMatchesBenchmarks() {
        for (Profile profile : List.of(Profile.quick(), Profile.full())) {
            for (Plan.Step step : mainPlan(profile).steps()) {
                assertThat(step.forks())
                        .as(profile.name() + " " + step.run().name())
                        .isPositive();
            }
        }
    }

    @Test
    void countsForksAsJmhDoes() {
        // 3 methods × 3 sizes × 3 durabilities for one backend.
        Profile p = new Profile(
                "t",
                List.of(new Run(
                        "x",
                        Jar.MAIN,
                        "\\.WalAppendBenchmark\\.",
                        Map.of(
                                "backend",
                                List.of("local"),
                                "recordBytes",
                                List.of("100", "1024", "65536"),
                                "durability",
                                List.of("none", "flush", "sync")),
                        Iterations.timed(1, 3, 2),
                        Duration.ofSeconds(3),
                        Duration.ZERO)));
        assertThat(Plan.of(p, null).forks()).isEqualTo(27);
        // Raw baselines have their own state: the backend parameter does not multiply them.
        Profile raw = new Profile(
                "t",
                List.of(new Run(
                        "x",
                        Jar.MAIN,
                        "\\.WalReplayBenchmark\\.",
                        Map.of("backend", List.of("local", "s3")),
                        Iterations.shots(1, 5),
                        Duration.ZERO,
                        Duration.ofSeconds(1))));
        assertThat(Plan.of(raw, null).forks()).isEqualTo(3);
    }

    @Test
    void refusesABackendThatDoesNotServeTheSuite() {
        Profile p = new Profile(
                "t",
                List.of(new Run(
                        "x",
                        Jar.MAIN,
                        "\\.CheckpointBenchmark\\.commit$",
                        Map.of("backend", List.of("local", "chronicle")),
                        Iterations.shots(1, 1),
                        Duration.ZERO,
                        Duration.ZERO)));
        assertThatThrownBy(() -> Plan.of(p, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backend=chronicle")
                .hasMessageContaining("[local, hadoop, s3, azure]");
    }

    @Test
    void refusesARunThatMatchesNothing() {
        Profile p = new Profile(
                "t",
                List.of(new Run(
                        "x",
                        Jar.MAIN,
                        "NoSuchBenchmark",
                        Map.of(),
                        Iterations.shots(1, 1),
                        Duration.ZERO,
                        Duration.ZERO)));
        assertThatThrownBy(() -> Plan.of(p, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("matches no benchmark");
    }

    @Test
    void bothProfilesMeasureWhatTheHeadlineTargetsCompare() {
        // Each target's subject and baseline must be run by both profiles (quick with fewer sizes).
        for (Profile profile : List.of(Profile.quick(), Profile.full())) {
            for (Target t : Targets.all()) {
                if (t.id().equals("wal-sync-1-writer-100") && profile.name().equals("quick")) {
                    continue; // quick measures 1 KiB and 64 KiB records only
                }
                assertThat(covered(profile, t.subject()))
                        .as(profile.name() + " runs " + t.subject())
                        .isTrue();
                assertThat(covered(profile, t.baseline()))
                        .as(profile.name() + " runs " + t.baseline())
                        .isTrue();
            }
        }
    }

    /**
     * Whether a run of {@code profile} includes the query's benchmark with its parameters (a
     * parameter the run does not give keeps the benchmark's defaults, which are assumed to hold it).
     */
    private static boolean covered(Profile profile, Query q) {
        String full = (q.spark() ? "dev.lifeboat.benchmarks.spark." : "dev.lifeboat.benchmarks.x.") + q.benchmark();
        return profile.runs().stream()
                .anyMatch(r -> java.util.regex.Pattern.compile(r.include())
                                .matcher(full)
                                .find()
                        && q.params().entrySet().stream().allMatch(p -> {
                            List<String> given = r.params().get(p.getKey());
                            return given == null || given.contains(p.getValue());
                        }));
    }

    @Test
    void jmhArgumentsCarryParametersAndIterations() {
        Run r = Profile.quick().runs().get(0);
        assertThat(r.jmhArguments("out.json"))
                .containsSubsequence("\\.RawDiskBenchmark\\.", "-p", "recordBytes=1024,65536")
                .containsSubsequence("-f", "1", "-wi", "1", "-i", "2")
                .containsSubsequence("-w", "1s", "-r", "1s")
                .containsSubsequence("-rf", "json", "-rff", "out.json");
        assertThat(Run.Iterations.shots(1, 3).measurementTime()).isZero();
        assertThatThrownBy(() -> new Run(
                        "Bad Name", Jar.MAIN, "x", Map.of(), Iterations.shots(0, 1), Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad Name");
    }
}

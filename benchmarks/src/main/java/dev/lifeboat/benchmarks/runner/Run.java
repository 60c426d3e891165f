package dev.lifeboat.benchmarks.runner;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One JMH invocation of a profile: which benchmarks, with which parameters and iterations, and
 * a guess of what each fork costs (used only to estimate a profile's duration).
 *
 * @param name names the result files ({@code <name>.json}); letters, digits and dashes
 * @param jar the shaded jar holding the benchmarks
 * @param include JMH's include regex, matched against {@code package.Class.method}
 * @param params JMH parameters ({@code -p key=v1,v2}); parameters not given keep their defaults
 * @param iterations warm-up and measurement iterations
 * @param forkOverhead estimated cost of one fork besides its iterations (JVM start, servers, set-up)
 * @param shot for single-shot benchmarks, the estimated time of one shot; zero otherwise
 * @param profilers JMH profilers the run's results carry as secondary metrics ({@code gc}:
 *     bytes allocated per op); cheap ones only, since they run during the measurements
 */
public record Run(
        String name,
        Jar jar,
        String include,
        Map<String, List<String>> params,
        Iterations iterations,
        Duration forkOverhead,
        Duration shot,
        List<String> profilers) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public Run {
        requireNonNull(name, "name is null");
        requireNonNull(jar, "jar is null");
        requireNonNull(include, "include is null");
        requireNonNull(iterations, "iterations is null");
        requireNonNull(forkOverhead, "forkOverhead is null");
        requireNonNull(shot, "shot is null");
        profilers = List.copyOf(profilers);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("run name '" + name + "' must be lower-case letters, digits and dashes");
        }
        Pattern.compile(include);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("parameter '" + k + "' of run " + name + " has no values");
            }
            copy.put(k, List.copyOf(v));
        });
        params = java.util.Collections.unmodifiableMap(copy);
    }

    /** The shaded jars benchmarks live in. */
    public enum Jar {
        /** {@code benchmarks/target/benchmarks.jar}: every suite but Spark's. */
        MAIN,
        /** {@code benchmarks/spark-peer/target/benchmarks-spark.jar}: Spark's write-ahead logs. */
        SPARK
    }

    /**
     * Iteration settings; for single-shot benchmarks the times are ignored and each iteration is
     * one shot.
     */
    public record Iterations(int warmups, Duration warmupTime, int measurements, Duration measurementTime) {
        public Iterations {
            requireNonNull(warmupTime, "warmupTime is null");
            requireNonNull(measurementTime, "measurementTime is null");
            if (warmups < 0 || measurements < 1) {
                throw new IllegalArgumentException(
                        "need warmups >= 0 and measurements >= 1: " + warmups + ", " + measurements);
            }
        }

        /** Single-shot iterations. */
        public static Iterations shots(int warmups, int measurements) {
            return new Iterations(warmups, Duration.ZERO, measurements, Duration.ZERO);
        }

        /** Timed iterations of {@code seconds} each. */
        public static Iterations timed(int warmups, int measurements, int seconds) {
            return new Iterations(warmups, Duration.ofSeconds(seconds), measurements, Duration.ofSeconds(seconds));
        }
    }

    /** The JMH command-line arguments of this run, writing JSON to {@code json}. */
    /** A run with no profiler. */
    public Run(
            String name,
            Jar jar,
            String include,
            Map<String, List<String>> params,
            Iterations iterations,
            Duration forkOverhead,
            Duration shot) {
        this(name, jar, include, params, iterations, forkOverhead, shot, List.of());
    }

    List<String> jmhArguments(String json) {
        List<String> args = new ArrayList<>();
        args.add(include);
        params.forEach((k, v) -> {
            args.add("-p");
            args.add(k + "=" + String.join(",", v));
        });
        args.addAll(List.of(
                "-f",
                "1",
                "-wi",
                Integer.toString(iterations.warmups()),
                "-i",
                Integer.toString(iterations.measurements())));
        if (!iterations.measurementTime().isZero()) {
            args.addAll(List.of("-w", seconds(iterations.warmupTime()), "-r", seconds(iterations.measurementTime())));
        }
        for (String profiler : profilers) {
            args.addAll(List.of("-prof", profiler));
        }
        args.addAll(List.of("-rf", "json", "-rff", json));
        return args;
    }

    /** Estimated time of one fork. */
    Duration forkTime() {
        Duration iterating = shot.isZero()
                ? iterations
                        .warmupTime()
                        .multipliedBy(iterations.warmups())
                        .plus(iterations.measurementTime().multipliedBy(iterations.measurements()))
                : shot.multipliedBy(iterations.warmups() + iterations.measurements());
        return forkOverhead.plus(iterating);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}

package dev.lifeboat.runtime;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.serializer.LifeboatSerializer;
import dev.lifeboat.runtime.serializer.Serializer;
import dev.lifeboat.spi.OptionSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of an {@link Engine}: string keys named after Apache Spark's where the meaning is
 * the same ({@code spark.task.maxFailures} is {@code lifeboat.task.maxFailures}), parsed and
 * validated at once. Every bad key or value is reported in one {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * EngineConfig config = EngineConfig.builder()
 *         .set(EngineConfig.EXECUTOR_INSTANCES, 4)
 *         .set(EngineConfig.CHECKPOINT_DIR, "file:/var/lib/app/checkpoints")
 *         .build();
 * }</pre>
 *
 * <p>Durations are a number with {@code ms}, {@code s}, {@code m} or {@code h} (a bare number is
 * milliseconds). {@link #options()} documents every key with its default.
 */
public final class EngineConfig {
    public static final String APP_NAME = "lifeboat.app.name";
    public static final String EXECUTOR_INSTANCES = "lifeboat.executor.instances";
    public static final String EXECUTOR_CORES = "lifeboat.executor.cores";
    public static final String HEARTBEAT_INTERVAL = "lifeboat.executor.heartbeatInterval";
    public static final String NETWORK_TIMEOUT = "lifeboat.network.timeout";
    public static final String REPLACE_LOST_EXECUTORS = "lifeboat.executor.replaceLost";
    public static final String TASK_MAX_FAILURES = "lifeboat.task.maxFailures";
    public static final String NON_RETRYABLE_EXCEPTIONS = "lifeboat.task.nonRetryableExceptions";
    public static final String STAGE_MAX_CONSECUTIVE_ATTEMPTS = "lifeboat.stage.maxConsecutiveAttempts";
    public static final String SPECULATION = "lifeboat.speculation";
    public static final String SPECULATION_INTERVAL = "lifeboat.speculation.interval";
    public static final String SPECULATION_QUANTILE = "lifeboat.speculation.quantile";
    public static final String SPECULATION_MULTIPLIER = "lifeboat.speculation.multiplier";
    public static final String SPECULATION_MIN_TASK_RUNTIME = "lifeboat.speculation.minTaskRuntime";
    public static final String DEFAULT_PARALLELISM = "lifeboat.default.parallelism";
    public static final String SERIALIZER = "lifeboat.serializer";
    public static final String SHUFFLE_COMPRESS = "lifeboat.shuffle.compress";
    public static final String CHECKPOINT_COMPRESS = "lifeboat.checkpoint.compress";
    public static final String ZSTD_LEVEL = "lifeboat.io.compression.zstd.level";
    public static final String LOCAL_DIR = "lifeboat.local.dir";
    public static final String SHUFFLE_STORE = "lifeboat.shuffle.store";
    public static final String SHUFFLE_STORE_OPTION_PREFIX = "lifeboat.shuffle.store.option.";
    public static final String CHECKPOINT_DIR = "lifeboat.checkpoint.dir";
    public static final String CHECKPOINT_OPTION_PREFIX = "lifeboat.checkpoint.option.";

    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of(APP_NAME, "lifeboat", "a name for the application, used in unnamed checkpoint ids"),
            OptionSpec.of(EXECUTOR_INSTANCES, "2", "how many in-JVM executors to start (spark.executor.instances)"),
            OptionSpec.of(EXECUTOR_CORES, "1", "tasks each executor runs at once (spark.executor.cores)"),
            OptionSpec.of(HEARTBEAT_INTERVAL, "1s", "how often executors heartbeat (spark.executor.heartbeatInterval)"),
            OptionSpec.of(
                    NETWORK_TIMEOUT,
                    "10s",
                    "an executor without a heartbeat for this long is lost (spark.network.timeout)"),
            OptionSpec.of(REPLACE_LOST_EXECUTORS, "true", "start a new executor for each one lost"),
            OptionSpec.of(
                    TASK_MAX_FAILURES,
                    "4",
                    "attempts of one task before its stage and job fail (spark.task.maxFailures)"),
            OptionSpec.of(
                    NON_RETRYABLE_EXCEPTIONS,
                    "",
                    "comma-separated exception classes that fail a job at once, like OutOfMemoryError"),
            OptionSpec.of(
                    STAGE_MAX_CONSECUTIVE_ATTEMPTS,
                    "4",
                    "attempts of a stage that fails to fetch shuffle blocks before the job fails "
                            + "(spark.stage.maxConsecutiveAttempts)"),
            OptionSpec.of(SPECULATION, "false", "launch copies of slow tasks (spark.speculation)"),
            OptionSpec.of(
                    SPECULATION_INTERVAL, "100ms", "how often to look for slow tasks (spark.speculation.interval)"),
            OptionSpec.of(
                    SPECULATION_QUANTILE,
                    "0.75",
                    "fraction of a stage's tasks that must finish before speculation (spark.speculation.quantile)"),
            OptionSpec.of(
                    SPECULATION_MULTIPLIER,
                    "1.5",
                    "a task is slow after this many times the median duration (spark.speculation.multiplier)"),
            OptionSpec.of(
                    SPECULATION_MIN_TASK_RUNTIME,
                    "100ms",
                    "a task is never slow before running this long (spark.speculation.minTaskRuntime)"),
            OptionSpec.withoutDefault(
                    DEFAULT_PARALLELISM,
                    "partitions of parallelize() without a count; default executors x cores (spark.default.parallelism)"),
            OptionSpec.of(
                    SERIALIZER,
                    LifeboatSerializer.class.getName(),
                    "the Serializer class for shuffles and checkpoints (spark.serializer)"),
            OptionSpec.of(SHUFFLE_COMPRESS, "true", "compress shuffle blocks with zstd (spark.shuffle.compress)"),
            OptionSpec.of(
                    CHECKPOINT_COMPRESS, "false", "compress checkpoint parts with zstd (spark.checkpoint.compress)"),
            OptionSpec.of(ZSTD_LEVEL, "1", "zstd compression level, 1 to 22 (spark.io.compression.zstd.level)"),
            OptionSpec.withoutDefault(
                    LOCAL_DIR,
                    "directory for executor scratch space; default a new temporary directory removed on close (spark.local.dir)"),
            OptionSpec.withoutDefault(
                    SHUFFLE_STORE,
                    "URI of the shuffle block store root; each executor uses <root>/executor-<id>; "
                            + "default file:<local dir>/shuffle"),
            OptionSpec.prefix(SHUFFLE_STORE_OPTION_PREFIX, "options passed to the shuffle store, prefix removed"),
            OptionSpec.withoutDefault(
                    CHECKPOINT_DIR,
                    "URI of the checkpoint store that checkpoint() writes to (SparkContext.setCheckpointDir)"),
            OptionSpec.prefix(CHECKPOINT_OPTION_PREFIX, "options passed to the checkpoint store, prefix removed"));

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h)?");

    private final Map<String, String> values;
    private final String appName;
    private final int executorInstances;
    private final int executorCores;
    private final Duration heartbeatInterval;
    private final Duration networkTimeout;
    private final boolean replaceLostExecutors;
    private final int taskMaxFailures;
    private final List<Class<? extends Throwable>> nonRetryableExceptions;
    private final int stageMaxConsecutiveAttempts;
    private final boolean speculation;
    private final Duration speculationInterval;
    private final double speculationQuantile;
    private final double speculationMultiplier;
    private final Duration speculationMinTaskRuntime;
    private final int defaultParallelism;
    private final Serializer serializer;
    private final boolean shuffleCompress;
    private final boolean checkpointCompress;
    private final int zstdLevel;
    private final Optional<Path> localDir;
    private final Optional<URI> shuffleStore;
    private final Optional<URI> checkpointDir;

    private EngineConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        Parser p = new Parser(values);
        appName = p.string(APP_NAME);
        executorInstances = p.integer(EXECUTOR_INSTANCES, 1, 256);
        executorCores = p.integer(EXECUTOR_CORES, 1, 64);
        heartbeatInterval = p.duration(HEARTBEAT_INTERVAL, Duration.ofMillis(1), Duration.ofHours(1));
        networkTimeout = p.duration(NETWORK_TIMEOUT, Duration.ofMillis(1), Duration.ofHours(24));
        replaceLostExecutors = p.bool(REPLACE_LOST_EXECUTORS);
        taskMaxFailures = p.integer(TASK_MAX_FAILURES, 1, 1000);
        nonRetryableExceptions = p.throwableClasses(NON_RETRYABLE_EXCEPTIONS);
        stageMaxConsecutiveAttempts = p.integer(STAGE_MAX_CONSECUTIVE_ATTEMPTS, 1, 1000);
        speculation = p.bool(SPECULATION);
        speculationInterval = p.duration(SPECULATION_INTERVAL, Duration.ofMillis(1), Duration.ofHours(1));
        speculationQuantile = p.decimal(SPECULATION_QUANTILE, 0.0, 1.0);
        speculationMultiplier = p.decimal(SPECULATION_MULTIPLIER, 0.0, 1000.0);
        speculationMinTaskRuntime = p.duration(SPECULATION_MIN_TASK_RUNTIME, Duration.ZERO, Duration.ofHours(24));
        defaultParallelism = p.raw(DEFAULT_PARALLELISM).isPresent()
                ? p.integer(DEFAULT_PARALLELISM, 1, 1_000_000)
                : executorInstances * executorCores;
        serializer = p.serializer(SERIALIZER);
        shuffleCompress = p.bool(SHUFFLE_COMPRESS);
        checkpointCompress = p.bool(CHECKPOINT_COMPRESS);
        zstdLevel = p.integer(ZSTD_LEVEL, 1, 22);
        localDir = p.path(LOCAL_DIR);
        shuffleStore = p.uri(SHUFFLE_STORE);
        checkpointDir = p.uri(CHECKPOINT_DIR);
        if (p.errors.isEmpty() && heartbeatInterval.compareTo(networkTimeout) >= 0) {
            p.error(
                    NETWORK_TIMEOUT,
                    values.getOrDefault(NETWORK_TIMEOUT, "10s"),
                    "must be greater than " + HEARTBEAT_INTERVAL + " (" + heartbeatInterval.toMillis() + " ms)");
        }
        p.validate();
    }

    /** The settings of {@code values}; absent keys take their defaults. */
    public static EngineConfig fromMap(Map<String, String> values) {
        return new EngineConfig(requireNonNull(values, "values is null"));
    }

    /** Every default. */
    public static EngineConfig defaults() {
        return new EngineConfig(Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every key this class accepts, with its default and meaning. */
    public static List<OptionSpec> options() {
        return OPTIONS;
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        return b;
    }

    /** The keys that were set explicitly, sorted. */
    public Map<String, String> asMap() {
        return values;
    }

    public String appName() {
        return appName;
    }

    public int executorInstances() {
        return executorInstances;
    }

    public int executorCores() {
        return executorCores;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration networkTimeout() {
        return networkTimeout;
    }

    public boolean replaceLostExecutors() {
        return replaceLostExecutors;
    }

    public int taskMaxFailures() {
        return taskMaxFailures;
    }

    /** Exceptions (besides {@link VirtualMachineError}s) that fail a job without a retry. */
    public List<Class<? extends Throwable>> nonRetryableExceptions() {
        return nonRetryableExceptions;
    }

    public int stageMaxConsecutiveAttempts() {
        return stageMaxConsecutiveAttempts;
    }

    public boolean speculation() {
        return speculation;
    }

    public Duration speculationInterval() {
        return speculationInterval;
    }

    public double speculationQuantile() {
        return speculationQuantile;
    }

    public double speculationMultiplier() {
        return speculationMultiplier;
    }

    public Duration speculationMinTaskRuntime() {
        return speculationMinTaskRuntime;
    }

    public int defaultParallelism() {
        return defaultParallelism;
    }

    public Serializer serializer() {
        return serializer;
    }

    public boolean shuffleCompress() {
        return shuffleCompress;
    }

    public boolean checkpointCompress() {
        return checkpointCompress;
    }

    public int zstdLevel() {
        return zstdLevel;
    }

    public Optional<Path> localDir() {
        return localDir;
    }

    public Optional<URI> shuffleStore() {
        return shuffleStore;
    }

    /** Options for the shuffle store: the {@code lifeboat.shuffle.store.option.} keys, prefix removed. */
    public Map<String, String> shuffleStoreOptions() {
        return withPrefix(SHUFFLE_STORE_OPTION_PREFIX);
    }

    public Optional<URI> checkpointDir() {
        return checkpointDir;
    }

    /** Options for the checkpoint store: the {@code lifeboat.checkpoint.option.} keys, prefix removed. */
    public Map<String, String> checkpointOptions() {
        return withPrefix(CHECKPOINT_OPTION_PREFIX);
    }

    private Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k.substring(prefix.length()), v);
            }
        });
        return Collections.unmodifiableMap(result);
    }

    @Override
    public String toString() {
        return "EngineConfig" + values;
    }

    /** Collects settings; {@link #build()} validates them all at once. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder() {}

        /** Sets {@code key} to {@code String.valueOf(value)}. */
        public Builder set(String key, Object value) {
            values.put(
                    requireNonNull(key, "key is null"),
                    String.valueOf(requireNonNull(value, "value of " + key + " is null")));
            return this;
        }

        /** Adds exception types that fail a job at once instead of being retried. */
        @SafeVarargs
        public final Builder nonRetryable(Class<? extends Throwable>... types) {
            List<String> names = new ArrayList<>();
            String existing = values.getOrDefault(NON_RETRYABLE_EXCEPTIONS, "");
            if (!existing.isBlank()) {
                names.add(existing);
            }
            for (Class<? extends Throwable> type : types) {
                names.add(requireNonNull(type, "exception type is null").getName());
            }
            values.put(NON_RETRYABLE_EXCEPTIONS, String.join(",", names));
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalArgumentException naming every unknown key and bad value
         */
        public EngineConfig build() {
            return new EngineConfig(values);
        }
    }

    /** Parses values, collecting every error before failing. */
    private static final class Parser {
        private final Map<String, String> values;
        private final List<String> errors = new ArrayList<>();

        Parser(Map<String, String> values) {
            this.values = values;
            for (String key : values.keySet()) {
                if (OPTIONS.stream().noneMatch(o -> o.accepts(key))) {
                    errors.add("unknown key '" + key + "'");
                }
            }
        }

        Optional<String> raw(String key) {
            String v = values.get(key);
            if (v != null) {
                return Optional.of(v.trim());
            }
            return OPTIONS.stream().filter(o -> o.key().equals(key)).findFirst().flatMap(OptionSpec::defaultValue);
        }

        String string(String key) {
            String v = raw(key).orElse("");
            if (v.isEmpty()) {
                error(key, v, "must not be empty");
            }
            return v;
        }

        boolean bool(String key) {
            String v = raw(key).orElse("").toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                error(key, v, "must be true or false");
            }
            return v.equals("true");
        }

        int integer(String key, int min, int max) {
            String v = raw(key).orElse("");
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    error(key, v, "must be between " + min + " and " + max);
                    return min;
                }
                return n;
            } catch (NumberFormatException e) {
                error(key, v, "must be a whole number between " + min + " and " + max);
                return min;
            }
        }

        double decimal(String key, double minExclusive, double max) {
            String v = raw(key).orElse("");
            try {
                double d = Double.parseDouble(v);
                if (!(d > minExclusive && d <= max)) {
                    error(key, v, "must be greater than " + minExclusive + " and at most " + max);
                    return max;
                }
                return d;
            } catch (NumberFormatException e) {
                error(key, v, "must be a number greater than " + minExclusive + " and at most " + max);
                return max;
            }
        }

        Duration duration(String key, Duration min, Duration max) {
            String v = raw(key).orElse("");
            Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                error(key, v, "must be a duration such as 500ms, 10s or 2m");
                return min.isZero() ? Duration.ofMillis(1) : min;
            }
            Duration d;
            try {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                d = switch (unit) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m", "min" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofMillis(n);
                };
            } catch (NumberFormatException | ArithmeticException e) {
                error(key, v, "is too large");
                return min;
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                error(key, v, "must be between " + min.toMillis() + " ms and " + max.toMillis() + " ms");
                return min;
            }
            return d;
        }

        Optional<URI> uri(String key) {
            Optional<String> v = raw(key).filter(s -> !s.isEmpty());
            if (v.isEmpty()) {
                return Optional.empty();
            }
            try {
                URI uri = new URI(v.get());
                if (uri.getScheme() == null) {
                    error(key, v.get(), "must be a URI with a scheme, such as file:/var/lib/lifeboat");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                error(key, v.get(), "is not a URI: " + e.getMessage());
                return Optional.empty();
            }
        }

        Optional<Path> path(String key) {
            Optional<String> v = raw(key).filter(s -> !s.isEmpty());
            try {
                return v.map(Path::of);
            } catch (InvalidPathException e) {
                error(key, v.get(), "is not a path: " + e.getMessage());
                return Optional.empty();
            }
        }

        Serializer serializer(String key) {
            String v = raw(key).orElse("");
            try {
                Class<?> type = Class.forName(v, true, loader());
                if (!Serializer.class.isAssignableFrom(type)) {
                    error(key, v, "does not implement " + Serializer.class.getName());
                    return new LifeboatSerializer();
                }
                return (Serializer) type.getConstructor().newInstance();
            } catch (ClassNotFoundException e) {
                error(key, v, "is not a class on the class path");
            } catch (ReflectiveOperationException | RuntimeException e) {
                error(key, v, "cannot be instantiated with a public no-argument constructor (" + e + ")");
            }
            return new LifeboatSerializer();
        }

        List<Class<? extends Throwable>> throwableClasses(String key) {
            List<Class<? extends Throwable>> result = new ArrayList<>();
            for (String name : raw(key).orElse("").split(",", -1)) {
                String trimmed = name.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                try {
                    Class<?> type = Class.forName(trimmed, false, loader());
                    if (!Throwable.class.isAssignableFrom(type)) {
                        error(key, trimmed, "is not a Throwable");
                    } else {
                        result.add(type.asSubclass(Throwable.class));
                    }
                } catch (ClassNotFoundException e) {
                    error(key, trimmed, "is not a class on the class path");
                }
            }
            return List.copyOf(result);
        }

        void error(String key, String value, String problem) {
            errors.add("'" + key + "' = '" + value + "' " + problem);
        }

        void validate() {
            if (!errors.isEmpty()) {
                List<String> keys = OPTIONS.stream().map(OptionSpec::displayKey).toList();
                throw new IllegalArgumentException("Invalid engine configuration: " + String.join("; ", errors)
                        + (errors.stream().anyMatch(e -> e.startsWith("unknown key"))
                                ? ". Accepted keys: " + keys
                                : ""));
            }
        }

        private static ClassLoader loader() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : EngineConfig.class.getClassLoader();
        }
    }
}

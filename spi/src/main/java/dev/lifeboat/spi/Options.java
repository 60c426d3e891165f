package dev.lifeboat.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A typed view over a provider's option map that collects every bad value before failing, so a
 * user sees all mistakes at once. Typical use in a backend's settings record:
 *
 * <pre>{@code
 * Options o = Options.of("file", options, provider.options());
 * long segmentBytes = o.bytes("segment-bytes", 1, Long.MAX_VALUE);
 * Duration delay = o.duration("group-commit.delay");
 * o.validate();   // throws IllegalArgumentException naming every bad value
 * }</pre>
 *
 * <p>Sizes accept a number with an optional unit {@code B, KiB, MiB, GiB} (also {@code k, m, g});
 * durations a number with {@code ms, s, m, h} (a bare number is milliseconds).
 */
public final class Options {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");

    private final String scheme;
    private final Map<String, String> values;
    private final List<OptionSpec> specs;
    private final List<String> errors = new ArrayList<>();

    private Options(String scheme, Map<String, String> values, List<OptionSpec> specs) {
        this.scheme = requireNonNull(scheme, "scheme is null");
        this.values = Map.copyOf(requireNonNull(values, "options is null"));
        this.specs = List.copyOf(requireNonNull(specs, "specs is null"));
    }

    public static Options of(String scheme, Map<String, String> values, List<OptionSpec> specs) {
        return new Options(scheme, values, specs);
    }

    /** The raw value, or the spec's default; empty if neither exists. */
    public Optional<String> raw(String key) {
        String value = values.get(key);
        if (value != null) {
            return Optional.of(value.trim());
        }
        return specs.stream()
                .filter(s -> !s.prefix() && s.key().equals(key))
                .findFirst()
                .flatMap(OptionSpec::defaultValue);
    }

    /** A required string; records an error if absent or blank. */
    public String string(String key) {
        Optional<String> v = raw(key).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            error(key, null, "is required");
            return "";
        }
        return v.get();
    }

    public Optional<String> optionalString(String key) {
        return raw(key).filter(s -> !s.isEmpty());
    }

    public boolean bool(String key) {
        String v = raw(key).orElse("false").toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            error(key, v, "must be true or false");
            return false;
        }
        return Boolean.parseBoolean(v);
    }

    public long longValue(String key, long min, long max) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            error(key, null, "is required");
            return min;
        }
        try {
            return inRange(key, v.get(), Long.parseLong(v.get()), min, max);
        } catch (NumberFormatException e) {
            error(key, v.get(), "must be a whole number between " + min + " and " + max);
            return min;
        }
    }

    public int intValue(String key, int min, int max) {
        return (int) longValue(key, min, max);
    }

    /** A byte size such as {@code 64MiB}; records an error outside {@code [min, max]}. */
    public long bytes(String key, long min, long max) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            error(key, null, "is required");
            return min;
        }
        Matcher m = SIZE.matcher(v.get());
        if (!m.matches()) {
            error(key, v.get(), "must be a size such as 512KiB or 64MiB");
            return min;
        }
        long unit;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> unit = 1;
            case "k", "kb", "kib" -> unit = 1L << 10;
            case "m", "mb", "mib" -> unit = 1L << 20;
            case "g", "gb", "gib" -> unit = 1L << 30;
            default -> {
                error(key, v.get(), "has an unknown unit; use B, KiB, MiB or GiB");
                return min;
            }
        }
        try {
            return inRange(key, v.get(), Math.multiplyExact(Long.parseLong(m.group(1)), unit), min, max);
        } catch (ArithmeticException | NumberFormatException e) {
            error(key, v.get(), "is too large");
            return min;
        }
    }

    /** A duration such as {@code 10ms} or {@code 30s}; records an error outside {@code [min, max]}. */
    public Duration duration(String key, Duration min, Duration max) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            error(key, null, "is required");
            return min;
        }
        Matcher m = DURATION.matcher(v.get());
        if (!m.matches()) {
            error(key, v.get(), "must be a duration such as 10ms, 30s or 5m");
            return min;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            error(key, v.get(), "is too large");
            return min;
        }
        Duration d;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "ms" -> d = Duration.ofMillis(n);
            case "s" -> d = Duration.ofSeconds(n);
            case "m", "min" -> d = Duration.ofMinutes(n);
            case "h" -> d = Duration.ofHours(n);
            default -> {
                error(key, v.get(), "has an unknown unit; use ms, s, m or h");
                return min;
            }
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            error(key, v.get(), "must be between " + min + " and " + max);
            return min;
        }
        return d;
    }

    /** One of the enum's constants, matched without regard to case; {@code -} matches {@code _}. */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
        E[] constants = type.getEnumConstants();
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            error(key, null, "is required");
            return constants[0];
        }
        String wanted = v.get().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : constants) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> accepted = new ArrayList<>();
        for (E e : constants) {
            accepted.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        error(key, v.get(), "must be one of " + accepted);
        return constants[0];
    }

    /** Records a custom error about {@code key}. */
    public void error(String key, String value, String problem) {
        errors.add("'" + key + "'" + (value == null ? "" : " = '" + value + "'") + " " + problem);
    }

    /** Throws {@link IllegalArgumentException} naming every bad value, if any were recorded. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid options for scheme '" + scheme + "': " + String.join("; ", errors));
        }
    }

    private long inRange(String key, String raw, long value, long min, long max) {
        if (value < min || value > max) {
            error(key, raw, "must be between " + min + " and " + max);
            return min;
        }
        return value;
    }
}

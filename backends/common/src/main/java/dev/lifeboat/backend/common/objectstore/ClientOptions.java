package dev.lifeboat.backend.common.objectstore;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reading the options every object-store client has (deadlines, retries, connect timeout, an
 * endpoint override) the same way on every backend. Each backend keeps its own keys, defaults and
 * help texts; the checks and their messages are written here. Errors are collected in the
 * {@link Options}, so that every bad key is reported at once.
 */
public final class ClientOptions {
    private ClientOptions() {}

    /**
     * The deadline of one call (with its retries) and of one attempt of it.
     *
     * @param call the deadline of one call including every retry
     * @param attempt the deadline of one attempt
     */
    public record Deadlines(Duration call, Duration attempt) {
        public Deadlines {
            requireNonNull(call, "call is null");
            requireNonNull(attempt, "attempt is null");
        }
    }

    /**
     * How a backend's endpoint option reads.
     *
     * @param queryAllowed whether the URL may have a query
     * @param example an endpoint to show in the message, e.g. {@code http://127.0.0.1:9000}
     * @param credentialOptions the options to name instead of credentials in the URL
     * @param secretMarker a value that contains this may hold a secret and is never echoed
     * @param echoUnparsable whether a value that is not a URL at all is echoed (unless it holds the marker)
     */
    public record EndpointRules(
            boolean queryAllowed,
            String example,
            String credentialOptions,
            String secretMarker,
            boolean echoUnparsable) {
        public EndpointRules {
            requireNonNull(example, "example is null");
            requireNonNull(credentialOptions, "credentialOptions is null");
            requireNonNull(secretMarker, "secretMarker is null");
        }
    }

    /**
     * Reads the options of {@code scheme} from {@code options} with {@code read} and validates
     * them, reporting every bad key at once.
     *
     * @throws IllegalArgumentException naming every bad key
     */
    public static <T> T readValidated(
            String scheme, Map<String, String> options, List<OptionSpec> specs, Function<Options, T> read) {
        Options o = Options.of(scheme, options, specs);
        T value = read.apply(o);
        o.validate();
        return value;
    }

    /**
     * Reads a call deadline (at least {@code callMin}) and an attempt deadline (at least
     * {@code attemptMin}), both at most an hour; an attempt deadline longer than the call's is an
     * error on {@code attemptKey}.
     */
    public static Deadlines deadlines(
            Options o, String callKey, Duration callMin, String attemptKey, Duration attemptMin) {
        Duration call = o.duration(callKey, callMin, Duration.ofHours(1));
        Duration attempt = o.duration(attemptKey, attemptMin, Duration.ofHours(1));
        if (attempt.compareTo(call) > 0) {
            o.error(
                    attemptKey,
                    o.raw(attemptKey).orElse(""),
                    "must not exceed " + callKey + " = " + o.raw(callKey).orElse(""));
        }
        return new Deadlines(call, attempt);
    }

    /** Attempts per call: 1 (no retry) to 20. */
    public static int maxAttempts(Options o, String key) {
        return o.intValue(key, 1, 20);
    }

    /** A TCP connect timeout: 10 ms to 10 minutes. */
    public static Duration connectTimeout(Options o, String key) {
        return o.duration(key, Duration.ofMillis(10), Duration.ofMinutes(10));
    }

    /**
     * Reads {@code value} of the endpoint option {@code key}: an http or https URL with a host and
     * without credentials (and without a query unless allowed); empty, with an error in {@code o},
     * otherwise. A value that may hold a secret is never echoed in the error.
     */
    public static Optional<URI> endpoint(Options o, String key, String value, EndpointRules rules) {
        boolean mayHoldSecret = value.contains(rules.secretMarker());
        try {
            URI u = new URI(value);
            if (u.getScheme() == null
                    || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null
                    || (!rules.queryAllowed() && u.getRawQuery() != null)) {
                o.error(
                        key,
                        mayHoldSecret ? null : value,
                        "must be an http or https URL with a host" + (rules.queryAllowed() ? "" : " and no query")
                                + ", e.g. " + rules.example());
                return Optional.empty();
            }
            if (u.getUserInfo() != null) {
                o.error(key, null, "must not carry credentials; use " + rules.credentialOptions());
                return Optional.empty();
            }
            return Optional.of(u);
        } catch (URISyntaxException e) {
            o.error(key, rules.echoUnparsable() && !mayHoldSecret ? value : null, "is not a URL");
            return Optional.empty();
        }
    }
}

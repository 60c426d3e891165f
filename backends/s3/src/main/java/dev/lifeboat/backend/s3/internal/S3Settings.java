package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.objectstore.ClientOptions;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connection settings every S3 store shares, read from its URI and options. Credentials are
 * held here and handed to the SDK only: {@link #toString()} and every error message leave them
 * out.
 *
 * @param location bucket and key prefix, from the URI
 * @param region the signing region
 * @param endpoint an endpoint override for S3-compatible servers; empty for AWS
 * @param pathStyle whether to address buckets as {@code endpoint/bucket} instead of {@code bucket.endpoint}
 * @param credentials static credentials; empty to use the SDK's default chain
 * @param apiCallTimeout the deadline of one call including every retry
 * @param apiCallAttemptTimeout the deadline of one attempt
 * @param maxAttempts attempts per call (1 = no retries), made by the SDK's standard retry strategy
 * @param connectTimeout the TCP connect timeout
 * @param socketTimeout the longest wait for bytes on an open connection (bounds streamed reads)
 * @param partSize parts larger than this are uploaded in multipart uploads of this part size
 */
public record S3Settings(
        S3Location location,
        String region,
        Optional<URI> endpoint,
        boolean pathStyle,
        Optional<Credentials> credentials,
        Duration apiCallTimeout,
        Duration apiCallAttemptTimeout,
        int maxAttempts,
        Duration connectTimeout,
        Duration socketTimeout,
        long partSize) {
    public static final String REGION = "region";
    public static final String ENDPOINT = "endpoint";
    public static final String PATH_STYLE = "path-style";
    public static final String ACCESS_KEY = "access-key";
    public static final String SECRET_KEY = "secret-key";
    public static final String SESSION_TOKEN = "session-token";
    public static final String API_CALL_TIMEOUT = "api-call-timeout";
    public static final String API_CALL_ATTEMPT_TIMEOUT = "api-call-attempt-timeout";
    public static final String MAX_ATTEMPTS = "max-attempts";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String SOCKET_TIMEOUT = "socket-timeout";
    public static final String PART_SIZE = "multipart.part-size";

    /** Stands in for a URI that failed to parse, whose error {@code Options.validate()} then reports. */
    private static final S3Location UNUSABLE = new S3Location("unusable-uri", "");

    private static final ClientOptions.EndpointRules ENDPOINT_RULES =
            new ClientOptions.EndpointRules(true, "http://127.0.0.1:9000", "access-key and secret-key", "@", true);

    /** S3's smallest multipart part (except the last). */
    public static final long MIN_PART_SIZE = 5L << 20;

    /** The options of every S3 provider. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of(REGION, "us-east-1", "the bucket's AWS region (signing region for S3-compatible servers)"),
            OptionSpec.withoutDefault(
                    ENDPOINT,
                    "endpoint override, e.g. http://127.0.0.1:9000 for an" + " S3-compatible server; absent: AWS"),
            OptionSpec.of(PATH_STYLE, "false", "address buckets as endpoint/bucket (most S3-compatible servers)"),
            OptionSpec.withoutDefault(ACCESS_KEY, "static access key id; absent: the SDK's default credential chain"),
            OptionSpec.withoutDefault(SECRET_KEY, "static secret access key (given with access-key); never logged"),
            OptionSpec.withoutDefault(SESSION_TOKEN, "session token for temporary static credentials; never logged"),
            OptionSpec.of(API_CALL_TIMEOUT, "30s", "deadline of one S3 call including all its retries"),
            OptionSpec.of(API_CALL_ATTEMPT_TIMEOUT, "10s", "deadline of one attempt of an S3 call"),
            OptionSpec.of(MAX_ATTEMPTS, "3", "attempts per S3 call by the SDK's standard retry strategy (1: no retry)"),
            OptionSpec.of(CONNECT_TIMEOUT, "5s", "TCP connect timeout"),
            OptionSpec.of(
                    SOCKET_TIMEOUT, "30s", "longest wait for bytes on an open connection (bounds streamed reads)"),
            OptionSpec.of(
                    PART_SIZE,
                    "8MiB",
                    "parts and map outputs larger than this use multipart uploads of"
                            + " this part size (at least 5MiB)"));

    /**
     * Static credentials. Deliberately without a useful {@code toString}: it never shows the secret.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     * @param sessionToken a session token, for temporary credentials
     */
    public record Credentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
        public Credentials {
            requireNonNull(accessKeyId, "accessKeyId is null");
            requireNonNull(secretAccessKey, "secretAccessKey is null");
            requireNonNull(sessionToken, "sessionToken is null");
        }

        @Override
        public String toString() {
            return "Credentials[static, secret hidden]";
        }
    }

    public S3Settings {
        requireNonNull(location, "location is null");
        requireNonNull(region, "region is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(apiCallTimeout, "apiCallTimeout is null");
        requireNonNull(apiCallAttemptTimeout, "apiCallAttemptTimeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(socketTimeout, "socketTimeout is null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be >= " + MIN_PART_SIZE + ": " + partSize);
        }
    }

    /**
     * Reads the URI and the common options; errors (the URI's too) are collected in {@code o}, which
     * the caller must validate after reading its own keys, before using the result.
     */
    public static S3Settings from(URI uri, Options o) {
        S3Location location;
        try {
            location = S3Location.parse(uri);
        } catch (IllegalArgumentException e) {
            // Reported with every option error when the caller validates; never used.
            o.error("uri", null, e.getMessage());
            location = UNUSABLE;
        }
        String region = o.string(REGION);
        Optional<URI> endpoint =
                o.optionalString(ENDPOINT).flatMap(e -> ClientOptions.endpoint(o, ENDPOINT, e, ENDPOINT_RULES));
        boolean pathStyle = o.bool(PATH_STYLE);
        Optional<String> access = o.optionalString(ACCESS_KEY);
        Optional<String> secret = o.optionalString(SECRET_KEY);
        Optional<String> token = o.optionalString(SESSION_TOKEN);
        Optional<Credentials> credentials = Optional.empty();
        if (access.isPresent() != secret.isPresent()) {
            // Never echo the value: it may be a secret.
            o.error(
                    access.isPresent() ? SECRET_KEY : ACCESS_KEY,
                    null,
                    "is required when " + (access.isPresent() ? ACCESS_KEY : SECRET_KEY) + " is given");
        } else if (access.isPresent()) {
            credentials = Optional.of(new Credentials(access.get(), secret.get(), token));
        } else if (token.isPresent()) {
            o.error(SESSION_TOKEN, null, "needs access-key and secret-key");
        }
        ClientOptions.Deadlines deadlines = ClientOptions.deadlines(
                o, API_CALL_TIMEOUT, Duration.ofMillis(100), API_CALL_ATTEMPT_TIMEOUT, Duration.ofMillis(100));
        int maxAttempts = ClientOptions.maxAttempts(o, MAX_ATTEMPTS);
        Duration connect = ClientOptions.connectTimeout(o, CONNECT_TIMEOUT);
        Duration socket = o.duration(SOCKET_TIMEOUT, Duration.ofMillis(10), Duration.ofHours(1));
        long partSize = o.bytes(PART_SIZE, MIN_PART_SIZE, 5L << 30);
        return new S3Settings(
                location,
                region,
                endpoint,
                pathStyle,
                credentials,
                deadlines.call(),
                deadlines.attempt(),
                maxAttempts,
                connect,
                socket,
                Math.max(partSize, MIN_PART_SIZE));
    }

    /** Reads the common options alone and validates them. */
    public static S3Settings from(URI uri, Map<String, String> options) {
        return ClientOptions.readValidated("s3", options, OPTIONS, o -> from(uri, o));
    }

    @Override
    public String toString() {
        return "S3Settings[" + location + ", region=" + region + ", endpoint="
                + endpoint.map(URI::toString).orElse("aws") + ", pathStyle=" + pathStyle + ", credentials="
                + (credentials.isPresent() ? "static" : "default-chain") + ", apiCallTimeout=" + apiCallTimeout
                + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout + ", maxAttempts=" + maxAttempts + "]";
    }
}

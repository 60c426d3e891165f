package dev.lifeboat.backend.azure.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.objectstore.ClientOptions;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The connection settings every Azure Blob store shares, read from its URI
 * ({@code azblob://<account>/<container>/<prefix>}) and options. Credentials are held here and
 * handed to the SDK only: {@link #toString()} and every error message leave them out.
 *
 * @param account the storage account name (the URI's authority)
 * @param container the container (the URI's first path segment)
 * @param prefix the blob name prefix, {@code ""} or ending in {@code /}
 * @param endpoint the blob service endpoint; empty: the connection string's, else
 *     {@code https://<account>.blob.core.windows.net}
 * @param credentials how to authenticate
 * @param callTimeout the deadline of one call including every retry
 * @param tryTimeout the deadline of one attempt of a call
 * @param maxAttempts attempts per call (1 = no retries), made by the SDK's retry policy
 * @param connectTimeout the TCP connect timeout
 * @param blockSize parts and map outputs larger than this are staged in blocks of this size
 */
public record AzureSettings(
        String account,
        String container,
        String prefix,
        Optional<URI> endpoint,
        Credentials credentials,
        Duration callTimeout,
        Duration tryTimeout,
        int maxAttempts,
        Duration connectTimeout,
        long blockSize) {
    public static final String SCHEME = "azblob";
    public static final String ENDPOINT = "endpoint";
    public static final String CONNECTION_STRING = "connection-string";
    public static final String ACCOUNT_KEY = "account-key";
    public static final String SAS_TOKEN = "sas-token";
    public static final String CALL_TIMEOUT = "call-timeout";
    public static final String TRY_TIMEOUT = "try-timeout";
    public static final String MAX_ATTEMPTS = "max-attempts";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String BLOCK_SIZE = "block-size";

    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");

    private static final ClientOptions.EndpointRules ENDPOINT_RULES = new ClientOptions.EndpointRules(
            false,
            "http://127.0.0.1:10000/devstoreaccount1",
            "account-key, sas-token or connection-string",
            "?",
            false);

    /** The options of every Azure provider. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.withoutDefault(
                    ENDPOINT,
                    "blob service endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1"
                            + " for Azurite; absent: https://<account>.blob.core.windows.net"),
            OptionSpec.withoutDefault(
                    CONNECTION_STRING,
                    "a storage connection string; endpoint, when given," + " overrides its BlobEndpoint; never logged"),
            OptionSpec.withoutDefault(ACCOUNT_KEY, "the account's shared key; never logged"),
            OptionSpec.withoutDefault(
                    SAS_TOKEN,
                    "a shared access signature (without or with the leading '?');"
                            + " never logged. None of the three: the SDK's default credential chain"),
            OptionSpec.of(CALL_TIMEOUT, "30s", "deadline of one storage call including all its retries"),
            OptionSpec.of(TRY_TIMEOUT, "10s", "deadline of one attempt of a storage call"),
            OptionSpec.of(MAX_ATTEMPTS, "3", "attempts per storage call by the SDK's retry policy (1: no retry)"),
            OptionSpec.of(CONNECT_TIMEOUT, "5s", "TCP connect timeout"),
            OptionSpec.of(
                    BLOCK_SIZE,
                    "8MiB",
                    "parts and map outputs larger than this are staged as blocks of this"
                            + " size and committed with one block list"));

    /** How the SDK authenticates. Deliberately without a useful {@code toString}: it never shows a secret. */
    public sealed interface Credentials {
        /** A connection string (which may name its own endpoint). */
        record ConnectionString(String value) implements Credentials {
            @Override
            public String toString() {
                return "connection-string[hidden]";
            }
        }

        /** The account's shared key. */
        record AccountKey(String value) implements Credentials {
            @Override
            public String toString() {
                return "account-key[hidden]";
            }
        }

        /** A shared access signature. */
        record Sas(String value) implements Credentials {
            @Override
            public String toString() {
                return "sas-token[hidden]";
            }
        }

        /** None given: the SDK's default chain ({@code DefaultAzureCredential}: environment, workload or managed identity, Azure CLI...). */
        record DefaultChain() implements Credentials {}
    }

    public AzureSettings {
        requireNonNull(account, "account is null");
        requireNonNull(container, "container is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(callTimeout, "callTimeout is null");
        requireNonNull(tryTimeout, "tryTimeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
    }

    /**
     * Reads the URI and the common options; errors (the URI's too) are collected in {@code o}, which
     * the caller must validate after reading its own keys, before using the result.
     */
    public static AzureSettings from(URI uri, Options o) {
        requireNonNull(uri, "uri is null");
        String account = "unusable";
        String container = "unusable";
        String prefix = "";
        if (!SCHEME.equals(uri.getScheme())) {
            o.error("uri", uri.toString(), "must have the scheme " + SCHEME);
        } else if (uri.getRawAuthority() == null
                || !ACCOUNT.matcher(uri.getRawAuthority()).matches()) {
            o.error(
                    "uri",
                    uri.toString(),
                    "must name a storage account (3-24 lower-case letters and digits):"
                            + " azblob://<account>/<container>/<prefix>");
        } else {
            account = uri.getRawAuthority();
            String path = uri.getPath() == null ? "" : uri.getPath();
            String[] parts = path.startsWith("/") ? path.substring(1).split("/", 2) : new String[] {""};
            if (!CONTAINER.matcher(parts[0]).matches()) {
                o.error(
                        "uri",
                        uri.toString(),
                        "must name a container (3-63 lower-case letters, digits and single"
                                + " hyphens): azblob://<account>/<container>/<prefix>");
            } else {
                container = parts[0];
                prefix = parts.length > 1 ? parts[1] : "";
                while (prefix.endsWith("/")) {
                    prefix = prefix.substring(0, prefix.length() - 1);
                }
                if (prefix.contains("//")
                        || prefix.contains("\\")
                        || prefix.startsWith("/")
                        || List.of(prefix.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals("."))) {
                    o.error("uri", uri.toString(), "has an invalid prefix '" + prefix + "'");
                    prefix = "";
                } else if (!prefix.isEmpty()) {
                    prefix = prefix + "/";
                }
            }
        }
        Optional<URI> endpoint =
                o.optionalString(ENDPOINT).flatMap(e -> ClientOptions.endpoint(o, ENDPOINT, e, ENDPOINT_RULES));
        Optional<String> connection = o.optionalString(CONNECTION_STRING);
        Optional<String> key = o.optionalString(ACCOUNT_KEY);
        Optional<String> sas = o.optionalString(SAS_TOKEN);
        long given = List.of(connection, key, sas).stream()
                .filter(Optional::isPresent)
                .count();
        Credentials credentials = new Credentials.DefaultChain();
        if (given > 1) {
            // Never echo the values: they are secrets.
            o.error(
                    CONNECTION_STRING,
                    null,
                    "give at most one of " + CONNECTION_STRING + ", " + ACCOUNT_KEY + " and " + SAS_TOKEN);
        } else if (connection.isPresent()) {
            credentials = new Credentials.ConnectionString(connection.get());
        } else if (key.isPresent()) {
            credentials = new Credentials.AccountKey(key.get());
        } else if (sas.isPresent()) {
            credentials =
                    new Credentials.Sas(sas.get().startsWith("?") ? sas.get().substring(1) : sas.get());
        }
        ClientOptions.Deadlines deadlines =
                ClientOptions.deadlines(o, CALL_TIMEOUT, Duration.ofMillis(100), TRY_TIMEOUT, Duration.ofSeconds(1));
        int maxAttempts = ClientOptions.maxAttempts(o, MAX_ATTEMPTS);
        Duration connect = ClientOptions.connectTimeout(o, CONNECT_TIMEOUT);
        long blockSize = o.bytes(BLOCK_SIZE, 64 * 1024, 4000L << 20);
        return new AzureSettings(
                account,
                container,
                prefix,
                endpoint,
                credentials,
                deadlines.call(),
                deadlines.attempt(),
                maxAttempts,
                connect,
                blockSize);
    }

    /** Reads the common options alone and validates them. */
    public static AzureSettings from(URI uri, Map<String, String> options) {
        return ClientOptions.readValidated(SCHEME, options, OPTIONS, o -> from(uri, o));
    }

    /** The endpoint requests go to, unless a connection string names its own. */
    public URI endpointOrDefault() {
        return endpoint.orElse(URI.create("https://" + account + ".blob.core.windows.net"));
    }

    /** Where the stores keep their blobs, for messages: {@code azblob://account/container/prefix}. */
    public String location() {
        return SCHEME + "://" + account + "/" + container + "/" + prefix;
    }

    @Override
    public String toString() {
        return "AzureSettings[" + location() + ", endpoint="
                + endpoint.map(URI::toString).orElse("default") + ", credentials=" + credentials + ", callTimeout="
                + callTimeout + ", tryTimeout=" + tryTimeout + ", maxAttempts=" + maxAttempts + "]";
    }
}

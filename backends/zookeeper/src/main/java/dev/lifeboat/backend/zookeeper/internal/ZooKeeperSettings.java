package dev.lifeboat.backend.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.zookeeper.common.PathUtils;

/**
 * Everything a ZooKeeper election is opened with: the ensemble and group path from the
 * {@code zk://} URI, and the values of the options map. Built by {@link #parse}, which reports
 * every bad value of the URI and of the options in one {@link IllegalArgumentException}.
 *
 * @param group the URI as given, used as {@link dev.lifeboat.spi.election.Leadership#group()}
 * @param connectString the ZooKeeper connect string ({@code host:port,host:port})
 * @param groupPath the absolute znode path of the election group, below {@code namespace}
 * @param sessionTimeout the session timeout asked of the servers (they may negotiate it into
 *     their own {@code [2, 20]} ticks range)
 * @param connectionTimeout how long to wait for a connection, at open and for each operation
 * @param retryBaseSleep the first sleep of the exponential back-off between retries
 * @param retryMaxRetries how many times an operation is retried after a connection loss
 * @param retryMaxSleep the longest sleep between two retries
 * @param namespace a path prefix (without leading {@code /}) under which everything is kept
 * @param acl the ACL of the znodes this backend creates
 * @param auth the authentication added to the session, as {@code scheme:credentials}
 * @param suspendedPolicy what a leader does when its connection is SUSPENDED
 * @param suspendedGrace with {@link SuspendedPolicy#ABDICATE}, how long SUSPENDED may last
 *     before the leader abdicates
 */
public record ZooKeeperSettings(
        String group,
        String connectString,
        String groupPath,
        Duration sessionTimeout,
        Duration connectionTimeout,
        Duration retryBaseSleep,
        int retryMaxRetries,
        Duration retryMaxSleep,
        Optional<String> namespace,
        AclMode acl,
        Optional<Auth> auth,
        SuspendedPolicy suspendedPolicy,
        Duration suspendedGrace) {

    /** The URI scheme. */
    public static final String SCHEME = "zk";
    /** The client port ZooKeeper listens on when a host of the URI names none. */
    public static final int DEFAULT_PORT = 2181;

    public static final String SESSION_TIMEOUT = "session-timeout";
    public static final String CONNECTION_TIMEOUT = "connection-timeout";
    public static final String RETRY_BASE_SLEEP = "retry.base-sleep";
    public static final String RETRY_MAX_RETRIES = "retry.max-retries";
    public static final String RETRY_MAX_SLEEP = "retry.max-sleep";
    public static final String NAMESPACE = "namespace";
    public static final String ACL = "acl";
    public static final String AUTH = "auth";
    public static final String SUSPENDED_POLICY = "suspended-policy";
    public static final String SUSPENDED_GRACE = "suspended-grace";

    /** The option keys {@code zk://} accepts, with their defaults. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.of(
                    SESSION_TIMEOUT,
                    "15s",
                    "ZooKeeper session timeout; a dead leader is replaced about this long after its last"
                            + " heartbeat (the servers bound it to [2, 20] ticks)"),
            OptionSpec.of(
                    CONNECTION_TIMEOUT,
                    "15s",
                    "how long open() and each operation wait for a connection to the ensemble"),
            OptionSpec.of(RETRY_BASE_SLEEP, "100ms", "first sleep of the exponential back-off between retries"),
            OptionSpec.of(RETRY_MAX_RETRIES, "10", "retries of an operation after a connection loss, 0 to 29"),
            OptionSpec.of(RETRY_MAX_SLEEP, "10s", "longest sleep between two retries"),
            OptionSpec.withoutDefault(
                    NAMESPACE, "path prefix (no leading '/') under which the group path lives, e.g. 'lifeboat'"),
            OptionSpec.of(ACL, "open", "ACL of created znodes: open (world:anyone) or creator (needs auth)"),
            OptionSpec.withoutDefault(AUTH, "session authentication as scheme:credentials, e.g. digest:alice:secret"),
            OptionSpec.of(
                    SUSPENDED_POLICY,
                    "pause",
                    "what a leader does on a SUSPENDED connection: pause (keep leadership until the session"
                            + " is lost) or abdicate (give it up after suspended-grace)"),
            OptionSpec.withoutDefault(
                    SUSPENDED_GRACE,
                    "with suspended-policy=abdicate: how long SUSPENDED may last before abdicating (default 0ms)"));

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.%a-zA-Z]+]");
    private static final String EXAMPLE = "zk://zk1:2181,zk2:2181,zk3:2181/lifeboat/driver";

    /** The ACL of the znodes the election creates. */
    public enum AclMode {
        /** {@code world:anyone} may do anything ({@code OPEN_ACL_UNSAFE}). */
        OPEN,
        /** Only the creating identity may do anything ({@code CREATOR_ALL_ACL}); needs {@code auth}. */
        CREATOR,
    }

    /** What a leader does when its connection to ZooKeeper is SUSPENDED. */
    public enum SuspendedPolicy {
        /**
         * Keep leadership, tell the listener {@code suspended}, and wait: a reconnection with the
         * session intact resumes it, a lost session ends it.
         */
        PAUSE,
        /** Give leadership up once SUSPENDED has lasted {@code suspended-grace}. */
        ABDICATE,
    }

    /**
     * Authentication added to every session.
     *
     * @param scheme the ZooKeeper auth scheme, e.g. {@code digest}
     * @param credentials the scheme's credentials, e.g. {@code alice:secret}; never printed
     */
    public record Auth(String scheme, String credentials) {
        public Auth {
            requireNonNull(scheme, "scheme is null");
            requireNonNull(credentials, "credentials is null");
        }

        @Override
        public String toString() {
            return "Auth[scheme=" + scheme + ", credentials=***]";
        }
    }

    public ZooKeeperSettings {
        requireNonNull(group, "group is null");
        requireNonNull(connectString, "connectString is null");
        requireNonNull(groupPath, "groupPath is null");
        requireNonNull(sessionTimeout, "sessionTimeout is null");
        requireNonNull(connectionTimeout, "connectionTimeout is null");
        requireNonNull(retryBaseSleep, "retryBaseSleep is null");
        requireNonNull(retryMaxSleep, "retryMaxSleep is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(acl, "acl is null");
        requireNonNull(auth, "auth is null");
        requireNonNull(suspendedPolicy, "suspendedPolicy is null");
        requireNonNull(suspendedGrace, "suspendedGrace is null");
        if (acl == AclMode.CREATOR && auth.isEmpty()) {
            throw new IllegalArgumentException("acl=creator needs auth");
        }
    }

    /**
     * Reads a {@code zk://} URI and an options map.
     *
     * @throws IllegalArgumentException naming every bad part of the URI and every bad option
     *     value, with what is accepted
     */
    public static ZooKeeperSettings parse(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        Options o = Options.of(SCHEME, options, OPTIONS);
        for (String key : options.keySet()) {
            if (OPTIONS.stream().noneMatch(spec -> spec.accepts(key))) {
                o.error(
                        key,
                        null,
                        "is not an option of the zk scheme; accepted: "
                                + OPTIONS.stream().map(OptionSpec::displayKey).toList());
            }
        }

        String connectString = "";
        String groupPath = "";
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            o.error("uri", uri.toString(), "must have the scheme zk, as in " + EXAMPLE);
        } else if (uri.isOpaque()) {
            o.error("uri", uri.toString(), "must be hierarchical, as in " + EXAMPLE);
        } else {
            connectString = connectString(uri, o);
            groupPath = groupPath(uri, o);
            if (uri.getRawQuery() != null) {
                o.error("uri", uri.toString(), "must not have a query: pass options in the options map");
            }
            if (uri.getRawFragment() != null) {
                o.error("uri", uri.toString(), "must not have a fragment");
            }
        }

        Duration sessionTimeout = o.duration(SESSION_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10));
        Duration connectionTimeout = o.duration(CONNECTION_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10));
        Duration retryBaseSleep = o.duration(RETRY_BASE_SLEEP, Duration.ofMillis(1), Duration.ofMinutes(1));
        int retryMaxRetries = o.intValue(RETRY_MAX_RETRIES, 0, 29);
        Duration retryMaxSleep = o.duration(RETRY_MAX_SLEEP, Duration.ofMillis(1), Duration.ofMinutes(10));
        if (retryMaxSleep.compareTo(retryBaseSleep) < 0) {
            o.error(
                    RETRY_MAX_SLEEP,
                    o.raw(RETRY_MAX_SLEEP).orElse(""),
                    "must not be shorter than retry.base-sleep (" + retryBaseSleep.toMillis() + "ms)");
        }
        Optional<String> namespace = o.optionalString(NAMESPACE);
        namespace.ifPresent(ns -> validateNamespace(ns, o));
        AclMode acl = o.enumValue(ACL, AclMode.class);
        Optional<Auth> auth = o.optionalString(AUTH).flatMap(raw -> auth(raw, o));
        if (acl == AclMode.CREATOR && auth.isEmpty() && o.optionalString(AUTH).isEmpty()) {
            o.error(
                    ACL,
                    "creator",
                    "needs 'auth' (for example digest:alice:secret): ZooKeeper refuses"
                            + " creator ACLs on an unauthenticated session");
        }
        SuspendedPolicy policy = o.enumValue(SUSPENDED_POLICY, SuspendedPolicy.class);
        Duration grace = Duration.ZERO;
        if (o.optionalString(SUSPENDED_GRACE).isPresent()) {
            grace = o.duration(SUSPENDED_GRACE, Duration.ZERO, Duration.ofMinutes(10));
            if (policy != SuspendedPolicy.ABDICATE) {
                o.error(
                        SUSPENDED_GRACE,
                        o.raw(SUSPENDED_GRACE).orElse(""),
                        "only applies with suspended-policy=abdicate; with pause a leader keeps leadership"
                                + " until its session is lost");
            } else if (grace.compareTo(sessionTimeout) >= 0) {
                o.error(
                        SUSPENDED_GRACE,
                        o.raw(SUSPENDED_GRACE).orElse(""),
                        "must be shorter than session-timeout (" + sessionTimeout.toMillis()
                                + "ms): the session is lost first");
            }
        }
        o.validate();
        return new ZooKeeperSettings(
                uri.toString(),
                connectString,
                groupPath,
                sessionTimeout,
                connectionTimeout,
                retryBaseSleep,
                retryMaxRetries,
                retryMaxSleep,
                namespace,
                acl,
                auth,
                policy,
                grace);
    }

    /** The path of the group as a user would see it with {@code zkCli}: namespace included. */
    public String absoluteGroupPath() {
        return namespace.map(ns -> "/" + ns).orElse("") + groupPath;
    }

    private static String connectString(URI uri, Options o) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            o.error("uri", uri.toString(), "names no ZooKeeper server; use host:port[,host:port...] as in " + EXAMPLE);
            return "";
        }
        if (authority.contains("@")) {
            o.error("uri", uri.toString(), "must not carry user information; use the 'auth' option");
            return "";
        }
        List<String> servers = new ArrayList<>();
        for (String server : authority.split(",", -1)) {
            try {
                servers.add(normalizeServer(server));
            } catch (IllegalArgumentException e) {
                o.error(
                        "uri",
                        uri.toString(),
                        "server '" + server + "' " + e.getMessage() + "; use host:port as in " + EXAMPLE);
            }
        }
        return String.join(",", servers);
    }

    /**
     * {@code server} as {@code host:port}, with {@link #DEFAULT_PORT} when it names no port.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    private static String normalizeServer(String server) {
        if (server.isEmpty()) {
            throw new IllegalArgumentException("is empty");
        }
        String host;
        String port = null;
        if (server.startsWith("[")) {
            int close = server.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("has an unclosed '['");
            }
            host = server.substring(0, close + 1);
            if (close + 1 < server.length()) {
                if (server.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("has text after ']' that is not a port");
                }
                port = server.substring(close + 2);
            }
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("is not a valid IPv6 address");
            }
        } else {
            int colon = server.indexOf(':');
            host = colon < 0 ? server : server.substring(0, colon);
            port = colon < 0 ? null : server.substring(colon + 1);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("has no host");
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("has an invalid host name '" + host + "'");
            }
        }
        if (port == null) {
            return host + ":" + DEFAULT_PORT;
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has an invalid port '" + port + "'");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("has a port out of range 1-65535: " + p);
        }
        return host + ":" + p;
    }

    private static String groupPath(URI uri, Options o) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            o.error("uri", uri.toString(), "names no election group path; add one as in " + EXAMPLE);
            return "";
        }
        if (path.endsWith("/")) {
            o.error("uri", uri.toString(), "has a group path ending with '/'");
            return "";
        }
        String problem = zkPathProblem(path);
        if (problem != null) {
            o.error("uri", uri.toString(), "has an invalid group path: " + problem);
            return "";
        }
        return path;
    }

    private static void validateNamespace(String namespace, Options o) {
        if (namespace.startsWith("/") || namespace.endsWith("/")) {
            o.error(NAMESPACE, namespace, "must not start or end with '/', e.g. 'lifeboat' or 'apps/lifeboat'");
            return;
        }
        String problem = zkPathProblem("/" + namespace);
        if (problem != null) {
            o.error(NAMESPACE, namespace, "is not a valid path prefix: " + problem);
        }
    }

    /** Why an absolute path is not usable for the election, or null. */
    private static String zkPathProblem(String path) {
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "it has a '" + segment + "' segment";
            }
        }
        if (path.equals("/zookeeper") || path.startsWith("/zookeeper/")) {
            return "/zookeeper is reserved by ZooKeeper";
        }
        return null;
    }

    private static Optional<Auth> auth(String raw, Options o) {
        int colon = raw.indexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            // The value is a secret: never echo it.
            o.error(AUTH, null, "must be scheme:credentials, e.g. digest:alice:secret");
            return Optional.empty();
        }
        return Optional.of(new Auth(raw.substring(0, colon).toLowerCase(Locale.ROOT), raw.substring(colon + 1)));
    }
}

package dev.lifeboat.spark.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Where Spark's shuffle map outputs live in Lifeboat, read from the Spark configuration, and the
 * Spark settings the shuffle refuses because its store cannot honour them.
 *
 * @param store the Lifeboat shuffle block store URI that holds every application's folder
 * @param options the store's options
 */
public record ShuffleSettings(URI store, Map<String, String> options) {
    /** The Lifeboat shuffle block store URI (required). */
    public static final String STORE = "spark.lifeboat.shuffle.store";
    /** Prefix of the store's options: {@code spark.lifeboat.shuffle.option.endpoint=...}. */
    public static final String OPTION_PREFIX = "spark.lifeboat.shuffle.option.";

    static final String SHUFFLE_MANAGER = "spark.shuffle.manager";
    static final String IO_PLUGIN = "spark.shuffle.sort.io.plugin.class";
    static final String MANAGER_CLASS = "dev.lifeboat.spark.LifeboatShuffleManager";
    static final String DATA_IO_CLASS = "dev.lifeboat.spark.LifeboatShuffleDataIO";

    /** Settings that must stay false, each with why. */
    private static final Map<String, String> REFUSED = Map.of(
            "spark.shuffle.push.enabled",
            "push-based shuffle merges blocks in Spark's external shuffle service, which never sees Lifeboat's"
                    + " map outputs",
            "spark.shuffle.service.enabled",
            "the external shuffle service serves Spark's local shuffle files, not Lifeboat's, and would make a"
                    + " fetch failure unregister every map output of the host (dynamic allocation needs no shuffle"
                    + " service when the store keeps blocks beyond executors)",
            "spark.storage.decommission.shuffleBlocks.enabled",
            "decommissioning migrates Spark's local shuffle files; Lifeboat's map outputs stay in the store",
            "spark.shuffle.useOldFetchProtocol",
            "the old fetch protocol names map outputs by partition instead of by task attempt");

    public ShuffleSettings {
        requireNonNull(store, "store");
        options = Map.copyOf(options);
    }

    /**
     * The settings in {@code conf}.
     *
     * @throws IllegalArgumentException naming the key and value of a missing, malformed or refused
     *     setting
     */
    public static ShuffleSettings of(SparkConf conf) {
        requireNonNull(conf, "conf");
        for (Map.Entry<String, String> refused : REFUSED.entrySet()) {
            String value = conf.get(refused.getKey(), "false").trim();
            if (!value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(refused.getKey() + "=" + value
                        + " is not supported by the Lifeboat shuffle (" + refused.getValue() + "); set it to false");
            }
        }
        String manager = conf.get(SHUFFLE_MANAGER, "sort").trim();
        if (!manager.equals(MANAGER_CLASS)) {
            throw new IllegalArgumentException(SHUFFLE_MANAGER + "=" + manager + " does not read Lifeboat's map"
                    + " outputs; set it to " + MANAGER_CLASS + " with " + IO_PLUGIN + "=" + DATA_IO_CLASS);
        }
        String io = conf.get(IO_PLUGIN, "").trim();
        if (!io.equals(DATA_IO_CLASS)) {
            throw new IllegalArgumentException(IO_PLUGIN + "=" + (io.isEmpty() ? "(unset)" : io) + " would write map"
                    + " outputs where " + MANAGER_CLASS + " does not read them; set it to " + DATA_IO_CLASS);
        }
        String value = conf.get(STORE, "").trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(STORE + " is not set: the Lifeboat shuffle block store URI"
                    + " (file:///dir, hdfs://namenode/dir, s3://bucket/prefix, ...)");
        }
        URI store;
        try {
            store = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(STORE + " '" + value + "' is not a URI: " + e.getMessage(), e);
        }
        if (store.getScheme() == null) {
            throw new IllegalArgumentException(STORE + " '" + value + "' has no scheme (file:, hdfs:, s3:, ...)");
        }
        Map<String, String> options = new TreeMap<>();
        for (Tuple2<String, String> e : conf.getAllWithPrefix(OPTION_PREFIX)) {
            options.put(e._1(), e._2());
        }
        return new ShuffleSettings(store, options);
    }

    /**
     * The store URI of one application: the application's folder below {@link #store()}, so that
     * applications (whose shuffle ids all start at 0) never share map outputs.
     */
    public URI applicationStore(String appId) {
        requireNonNull(appId, "appId");
        if (appId.isEmpty() || !appId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("application id '" + appId + "' cannot name a folder of " + STORE);
        }
        String path = store.getPath() == null ? "" : store.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(
                    store.getScheme(), store.getAuthority(), path + "/" + appId, store.getQuery(), store.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "cannot add application '" + appId + "' to " + STORE + " " + store + ": " + e.getMessage(), e);
        }
    }
}

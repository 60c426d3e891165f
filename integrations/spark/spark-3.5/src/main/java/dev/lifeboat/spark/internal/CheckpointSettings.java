package dev.lifeboat.spark.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a Spark checkpoint path lives in Lifeboat, read from the Hadoop configuration Spark hands
 * the manager (Spark copies its SQL and {@code spark.hadoop.*} settings into it).
 *
 * @param root the qualified checkpoint root; every path the manager is given must lie below it
 * @param store the Lifeboat checkpoint store URI
 * @param options the store's options
 */
public record CheckpointSettings(Path root, URI store, Map<String, String> options) {
    /** The Lifeboat checkpoint store URI; absent: derived from the root (see {@link #of}). */
    public static final String STORE = "spark.lifeboat.checkpoint.store";
    /** The checkpoint root; absent: the root of the path's file system. */
    public static final String ROOT = "spark.lifeboat.checkpoint.root";
    /** Prefix of the store's options: {@code spark.lifeboat.checkpoint.option.endpoint=...}. */
    public static final String OPTION_PREFIX = "spark.lifeboat.checkpoint.option.";
    /** The folder below the root that holds a derived store. */
    public static final String STORE_FOLDER = "_lifeboat";

    public CheckpointSettings {
        options = Map.copyOf(options);
    }

    /**
     * The settings for {@code path}. Without {@value #STORE}, the store is derived from the root:
     * {@code file:/r} becomes {@code file:///r/_lifeboat}, {@code hdfs://nn/r} becomes
     * {@code hdfs://nn/r/_lifeboat}, {@code s3a://bucket/r} (or {@code s3:}, {@code s3n:})
     * becomes {@code s3://bucket/r/_lifeboat}, {@code abfss://container@account.dfs.core.windows.net/r}
     * (or {@code abfs:}, {@code wasb:}, {@code wasbs:} with {@code account.blob.core.windows.net})
     * becomes {@code azblob://account/container/r/_lifeboat}.
     *
     * @throws IllegalArgumentException naming the key and value when they cannot work
     */
    public static CheckpointSettings of(Path path, Configuration conf) {
        Path qualified = qualify(path, conf);
        String rootValue = conf.getTrimmed(ROOT, "");
        Path root;
        if (rootValue.isEmpty()) {
            URI u = qualified.toUri();
            root = new Path(u.getScheme(), u.getAuthority(), "/");
        } else {
            root = qualify(new Path(rootValue), conf);
        }
        Map<String, String> options = new TreeMap<>();
        for (Map.Entry<String, String> e :
                conf.getPropsWithPrefix(OPTION_PREFIX).entrySet()) {
            options.put(e.getKey(), e.getValue());
        }
        String storeValue = conf.getTrimmed(STORE, "");
        URI store;
        if (!storeValue.isEmpty()) {
            try {
                store = new URI(storeValue);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(STORE + " '" + storeValue + "' is not a URI: " + e.getMessage(), e);
            }
            if (store.getScheme() == null) {
                throw new IllegalArgumentException(
                        STORE + " '" + storeValue + "' has no scheme (file:, hdfs:, s3:, ...)");
            }
        } else {
            store = derivedStore(root, rootValue.isEmpty());
        }
        return new CheckpointSettings(root, store, options);
    }

    /** {@code path} with its file system's scheme and authority (the default file system's if it has none). */
    public static Path qualify(Path path, Configuration conf) {
        if (path.toUri().getScheme() != null && path.isAbsolute()) {
            return path;
        }
        URI defaultUri = FileSystem.getDefaultUri(conf);
        Path workingDir = "file".equals(defaultUri.getScheme())
                ? new Path(new java.io.File(System.getProperty("user.dir")).toURI())
                : new Path("/");
        return path.makeQualified(defaultUri, workingDir);
    }

    /**
     * The path of {@code path} relative to the root, {@code /}-separated ({@code ""} for the root).
     *
     * @throws IllegalArgumentException if {@code path} is not below the root
     */
    public String relative(Path path, Configuration conf) {
        URI p = qualify(path, conf).toUri();
        URI r = root.toUri();
        if (!equalsIgnoreNull(p.getScheme(), r.getScheme()) || !equalsIgnoreNull(p.getAuthority(), r.getAuthority())) {
            throw outside(path);
        }
        String rp = trimSlashes(r.getPath());
        String pp = trimSlashes(p.getPath());
        if (rp.isEmpty()) {
            return pp;
        }
        if (pp.equals(rp)) {
            return "";
        }
        if (!pp.startsWith(rp + "/")) {
            throw outside(path);
        }
        return pp.substring(rp.length() + 1);
    }

    /** The qualified path of {@code relative} below the root. */
    public Path resolve(String relative) {
        return relative.isEmpty() ? root : new Path(root, relative);
    }

    private IllegalArgumentException outside(Path path) {
        return new IllegalArgumentException("checkpoint path '" + path + "' is not below the checkpoint root '" + root
                + "' (set " + ROOT + " to a folder that holds every checkpoint location)");
    }

    private static URI derivedStore(Path root, boolean defaulted) {
        URI r = root.toUri();
        String scheme = r.getScheme() == null ? "file" : r.getScheme().toLowerCase(java.util.Locale.ROOT);
        String lifeboatScheme;
        switch (scheme) {
            case "file" -> {
                if (defaulted) {
                    throw new IllegalArgumentException("checkpoint path on the local file system needs " + ROOT
                            + " (a folder that holds every checkpoint location) or " + STORE
                            + ", or the store would live at /" + STORE_FOLDER);
                }
                lifeboatScheme = "file";
            }
            case "hdfs" -> lifeboatScheme = "hdfs";
            case "s3a", "s3", "s3n" -> lifeboatScheme = "s3";
            case "abfs", "abfss", "wasb", "wasbs" -> {
                return azureStore(root, r);
            }
            default ->
                throw new IllegalArgumentException("no Lifeboat checkpoint store is derived for scheme '" + scheme
                        + "' of " + root + " (derived: file, hdfs, s3a, s3, s3n, abfs, abfss, wasb, wasbs); set "
                        + STORE);
        }
        String path = trimSlashes(r.getPath());
        String storePath = "/" + (path.isEmpty() ? "" : path + "/") + STORE_FOLDER;
        try {
            return new URI(lifeboatScheme, r.getAuthority() == null ? "" : r.getAuthority(), storePath, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot derive a store URI from " + root + ": " + e.getMessage(), e);
        }
    }

    /** {@code <container>@<account>.<host>/<path>} on Azure becomes {@code azblob://<account>/<container>/<path>/_lifeboat}. */
    private static URI azureStore(Path root, URI r) {
        String authority = r.getAuthority() == null ? "" : r.getAuthority();
        int at = authority.indexOf('@');
        int dot = authority.indexOf('.', at + 1);
        if (at <= 0 || dot <= at + 1) {
            throw new IllegalArgumentException("checkpoint root " + root
                    + " names no container@account (as in abfss://container@account.dfs.core.windows.net/path); set "
                    + STORE);
        }
        String container = authority.substring(0, at);
        String account = authority.substring(at + 1, dot);
        String path = trimSlashes(r.getPath());
        String storePath = "/" + container + "/" + (path.isEmpty() ? "" : path + "/") + STORE_FOLDER;
        try {
            return new URI("azblob", account, storePath, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot derive a store URI from " + root + ": " + e.getMessage(), e);
        }
    }

    private static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean equalsIgnoreNull(String a, String b) {
        return a == null ? b == null || b.isEmpty() : a.equalsIgnoreCase(b == null ? "" : b);
    }
}

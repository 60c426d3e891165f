package dev.lifeboat.backend.hadoop.internal;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Where a Lifeboat store lives on a Hadoop file system, parsed from its URI, and the Hadoop
 * {@link Configuration} built from the environment and the options.
 *
 * <p>Two URI forms are accepted:
 * <ul>
 *   <li>{@code hdfs://namenode:8020/path} (or {@code hdfs:///path}, whose authority comes from
 *       {@code fs.defaultFS}): served by the providers of scheme {@code hdfs};
 *   <li>{@code hadoop:<any Hadoop file system URI>}, for example {@code hadoop:file:///data/wal}
 *       or {@code hadoop:viewfs://cluster/wal}: served by the providers of scheme
 *       {@code hadoop}, so that every scheme Hadoop knows can be used without a provider per
 *       scheme.
 * </ul>
 *
 * <p>The configuration is, from lowest to highest precedence: Hadoop's defaults and the
 * {@code core-site.xml}/{@code hdfs-site.xml} on the class path; {@code core-site.xml} and
 * {@code hdfs-site.xml} in {@code conf-dir} (default: the {@code HADOOP_CONF_DIR} environment
 * variable); every option {@code hadoop.<key>}, set as {@code <key>}.
 *
 * @param lifeboatUri the URI the store was opened with, as given
 * @param fsUri the Hadoop file system URI (scheme and authority)
 * @param root the store's root directory on that file system, absolute
 * @param conf the Hadoop configuration
 */
public record HadoopLocation(URI lifeboatUri, URI fsUri, Path root, Configuration conf) {
    /** The scheme of the providers that accept {@code hadoop:<uri>}. */
    public static final String ANY_SCHEME = "hadoop";
    /** The scheme of the HDFS providers. */
    public static final String HDFS_SCHEME = "hdfs";

    public HadoopLocation {
        requireNonNull(lifeboatUri, "lifeboatUri is null");
        requireNonNull(fsUri, "fsUri is null");
        requireNonNull(root, "root is null");
        requireNonNull(conf, "conf is null");
    }

    /**
     * Parses {@code uri} for a provider of {@code providerScheme} and builds the configuration.
     *
     * @throws IllegalArgumentException naming the URI and the accepted forms
     */
    public static HadoopLocation parse(String providerScheme, URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals(providerScheme)) {
            throw new IllegalArgumentException("URI '" + uri + "' does not have the scheme '" + providerScheme + "'");
        }
        URI inner = providerScheme.equals(ANY_SCHEME) ? inner(uri) : uri;
        if (inner.getQuery() != null || inner.getFragment() != null) {
            throw new IllegalArgumentException(
                    "URI '" + uri + "' has a query or fragment; give only a scheme," + " an authority and a path");
        }
        String path = inner.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw new IllegalArgumentException("URI '" + uri + "' has no path below the root; give a directory such"
                    + " as " + example(providerScheme));
        }
        URI fsUri = URI.create(
                inner.getScheme() + "://" + (inner.getRawAuthority() == null ? "" : inner.getRawAuthority()) + "/");
        return new HadoopLocation(uri, fsUri, new Path(stripTrailingSlash(path)), configuration(options));
    }

    private static URI inner(URI uri) {
        if (!uri.isOpaque()) {
            throw new IllegalArgumentException("URI '" + uri + "' must be 'hadoop:' followed by a Hadoop file system"
                    + " URI, for example " + example(ANY_SCHEME));
        }
        URI inner;
        try {
            inner = new URI(uri.getRawSchemeSpecificPart());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("URI '" + uri + "' does not wrap a valid URI: " + e.getMessage(), e);
        }
        if (inner.getScheme() == null || inner.isOpaque()) {
            throw new IllegalArgumentException("URI '" + uri + "' must wrap a hierarchical URI with a scheme, for"
                    + " example " + example(ANY_SCHEME));
        }
        if (inner.getScheme().equalsIgnoreCase(ANY_SCHEME)) {
            throw new IllegalArgumentException("URI '" + uri + "' wraps another 'hadoop:' URI");
        }
        return inner;
    }

    private static String example(String scheme) {
        return scheme.equals(ANY_SCHEME)
                ? "hadoop:file:///var/lib/app/store or hadoop:hdfs://namenode:8020/app/store"
                : "hdfs://namenode:8020/app/store";
    }

    private static String stripTrailingSlash(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The Hadoop configuration for {@code options} (see the class comment for precedence). */
    public static Configuration configuration(Map<String, String> options) {
        Configuration conf = new Configuration();
        Optional<String> confDir = Optional.ofNullable(options.get(HadoopOptions.CONF_DIR))
                .or(() -> Optional.ofNullable(System.getenv("HADOOP_CONF_DIR")))
                .map(String::trim)
                .filter(s -> !s.isEmpty());
        if (confDir.isPresent()) {
            File dir = new File(confDir.get());
            if (!dir.isDirectory()) {
                throw new IllegalArgumentException("Hadoop configuration directory '" + dir + "' (from "
                        + (options.containsKey(HadoopOptions.CONF_DIR)
                                ? "option '" + HadoopOptions.CONF_DIR + "'"
                                : "HADOOP_CONF_DIR")
                        + ") is not a directory");
            }
            for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
                File file = new File(dir, name);
                if (file.isFile()) {
                    try {
                        conf.addResource(file.toURI().toURL());
                    } catch (MalformedURLException e) {
                        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        options.forEach((key, value) -> {
            if (key.startsWith(HadoopOptions.HADOOP_PREFIX) && key.length() > HadoopOptions.HADOOP_PREFIX.length()) {
                conf.set(key.substring(HadoopOptions.HADOOP_PREFIX.length()), value);
            }
        });
        return conf;
    }

    /**
     * Opens a {@link FileSystem} instance of its own (not Hadoop's shared cache), so that its
     * client, and on HDFS its leases, belong to one store. The caller closes it.
     */
    public HadoopFs open() throws IOException {
        return HadoopFs.open(this);
    }

    /** The location as stored in map statuses and messages: the URI as given. */
    @Override
    public String toString() {
        return lifeboatUri.toString();
    }
}

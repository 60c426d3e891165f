package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Parses the {@code file:} URIs that name local stores. The accepted form is
 * {@code file:///absolute/directory} (also {@code file:/absolute/directory}): scheme {@code file},
 * no authority (host), an absolute path, no query and no fragment. Percent-escapes in the path
 * are decoded ({@code file:///data/my%20store} is {@code /data/my store}).
 */
public final class LocalUris {
    /** The scheme every local provider serves. */
    public static final String SCHEME = "file";

    private LocalUris() {}

    /**
     * The absolute, normalized directory that {@code uri} names.
     *
     * @param what what the directory is for, for messages ("checkpoint store", "write-ahead log")
     * @throws IllegalArgumentException naming the URI and what is wrong with it
     */
    public static Path directory(String what, URI uri) {
        requireNonNull(uri, what + " URI is null");
        String scheme = uri.getScheme();
        if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals(SCHEME)) {
            throw bad(what, uri, "has scheme '" + scheme + "'; expected '" + SCHEME + "'");
        }
        if (uri.isOpaque()) {
            throw bad(what, uri, "is not hierarchical (a relative path?); use file:///absolute/dir");
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw bad(
                    what,
                    uri,
                    "has an authority '" + uri.getRawAuthority()
                            + "'; only local paths are accepted: use file:///absolute/dir");
        }
        if (uri.getRawQuery() != null) {
            throw bad(what, uri, "has a query '" + uri.getRawQuery() + "'; pass settings as options instead");
        }
        if (uri.getRawFragment() != null) {
            throw bad(what, uri, "has a fragment '" + uri.getRawFragment() + "'");
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || !path.startsWith("/")) {
            throw bad(what, uri, "has no absolute path; use file:///absolute/dir");
        }
        Path dir = Path.of(path);
        if (!dir.isAbsolute()) {
            throw bad(what, uri, "does not name an absolute path on this platform");
        }
        return dir.normalize();
    }

    private static IllegalArgumentException bad(String what, URI uri, String problem) {
        return new IllegalArgumentException(what + " URI '" + uri + "' " + problem);
    }
}

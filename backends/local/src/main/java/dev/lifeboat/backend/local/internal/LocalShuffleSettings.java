package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The settings of a local shuffle block store.
 *
 * @param root the store's absolute root directory (an executor's local disk)
 */
public record LocalShuffleSettings(Path root) {
    /** The options a local shuffle block store accepts: none. */
    public static final List<OptionSpec> OPTIONS = List.of();

    public LocalShuffleSettings {
        requireNonNull(root, "root is null");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("root is not absolute: " + root);
        }
    }

    /**
     * Parses a URI and options.
     *
     * @throws IllegalArgumentException naming every bad value
     */
    public static LocalShuffleSettings of(URI uri, Map<String, String> options) {
        Path root = LocalUris.directory("shuffle block store", uri);
        Options.of(LocalUris.SCHEME, options, OPTIONS).validate();
        return new LocalShuffleSettings(root);
    }
}

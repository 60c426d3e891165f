package dev.lifeboat.spark.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How Spark's checkpoint files map to checkpoint ids, injectively. A file {@code a/b/name} (relative
 * to the checkpoint root) is stored as one checkpoint per version, {@code a/b/name@<generation>};
 * a directory {@code a/b} made by {@code mkdirs} is the empty marker checkpoint {@code a/b@dir}.
 * Every segment is escaped ({@code %} as {@code %25}, {@code @} as {@code %40}), so {@code @}
 * appears only in the last segment of an id, and no id is a segment prefix of another: a file and
 * a directory of one name never collide in any store's layout.
 */
public final class CheckpointPaths {
    /** The last segment of a directory marker: {@code <name>@dir}. */
    private static final String DIR = "dir";

    private CheckpointPaths() {}

    /** The id of version {@code generation} of file {@code relative} ({@code /}-separated, not empty). */
    public static CheckpointId fileVersion(String relative, long generation) {
        if (relative.isEmpty()) {
            throw new IllegalArgumentException("the checkpoint root itself is a directory, not a file");
        }
        if (generation < 0) {
            throw new IllegalArgumentException("generation " + generation + " is negative");
        }
        return CheckpointId.of(escapePath(relative) + "@" + generation);
    }

    /** The id of the marker of directory {@code relative} ({@code ""}: the root). */
    public static CheckpointId directoryMarker(String relative) {
        return CheckpointId.of(relative.isEmpty() ? "@" + DIR : escapePath(relative) + "@" + DIR);
    }

    /** The store prefix holding everything below directory {@code relative}. */
    public static String prefix(String relative) {
        return relative.isEmpty() ? "" : escapePath(relative);
    }

    /**
     * What a listed id means relative to directory {@code relative}: an entry (file or directory)
     * directly in it, or empty for the directory's own marker and ids outside it.
     */
    public static Optional<Entry> entryIn(String relative, CheckpointId id) {
        String p = prefix(relative);
        String value = id.value();
        String rest;
        if (p.isEmpty()) {
            rest = value;
        } else if (value.startsWith(p + "/")) {
            rest = value.substring(p.length() + 1);
        } else {
            return Optional.empty();
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            return Optional.of(new Entry(unescape(rest.substring(0, slash)), true, OptionalLong.empty()));
        }
        int at = rest.lastIndexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        String name = unescape(rest.substring(0, at));
        String suffix = rest.substring(at + 1);
        if (suffix.equals(DIR)) {
            return Optional.of(new Entry(name, true, OptionalLong.empty()));
        }
        try {
            return Optional.of(new Entry(name, false, OptionalLong.of(Long.parseLong(suffix))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The generations of file {@code name} among {@code ids} listed in its directory, ascending. */
    public static List<Long> generations(String directory, String name, List<CheckpointId> ids) {
        List<Long> generations = new ArrayList<>();
        for (CheckpointId id : ids) {
            entryIn(directory, id)
                    .filter(e -> !e.directory() && e.name().equals(name))
                    .ifPresent(e -> generations.add(e.generation().getAsLong()));
        }
        generations.sort(null);
        return generations;
    }

    /** One entry of a directory: a file with one of its generations, or a directory. */
    public record Entry(String name, boolean directory, OptionalLong generation) {
        public Entry {
            requireNonNull(name, "name is null");
            requireNonNull(generation, "generation is null");
        }
    }

    private static String escapePath(String relative) {
        StringBuilder out = new StringBuilder(relative.length() + 8);
        for (int i = 0; i < relative.length(); i++) {
            char c = relative.charAt(i);
            if (c == '%') {
                out.append("%25");
            } else if (c == '@') {
                out.append("%40");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String unescape(String segment) {
        return segment.replace("%40", "@").replace("%25", "%");
    }
}

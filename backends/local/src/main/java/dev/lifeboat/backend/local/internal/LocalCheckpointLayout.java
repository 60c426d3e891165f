package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a local checkpoint store keeps what, below its root directory:
 *
 * <pre>
 * root/
 *   commit.lock                  locked (in-JVM lock + FileLock) while publishing, deleting, collecting
 *   epoch                        the highest epoch that ever committed, decimal text
 *   attempts/&lt;attempt-id&gt;/       one folder per writer attempt ({@code Attempts.newAttemptId()})
 *     parts/&lt;encoded part&gt;       the part files
 *     manifest                   the attempt's manifest ({@code ManifestCodec}), written before publishing
 *   committed/&lt;encoded id&gt;       a hard link to the winning attempt's manifest: the commit point
 *   trash/&lt;attempt-id&gt;           attempts being removed (by delete or garbage collection)
 * </pre>
 *
 * <p><b>Encoding of hierarchical names.</b> An id or part name is split at {@code /}; each segment
 * becomes one or more path components. Its characters other than {@code a-z 0-9 - _ .} are
 * percent-encoded as UTF-8 bytes ({@code %41} for {@code A}, so names never depend on the file
 * system's case sensitivity), and a suffix says what the component is: {@code .d} a directory
 * level (more segments follow), {@code .ckpt} (ids) or {@code .part} (parts) the last segment,
 * {@code .c} a chunk of a segment too long for one file name that continues in the next
 * component. Every component therefore ends with exactly one of these suffixes and can be decoded
 * on its own, so the mapping is injective: {@code a} is {@code a.ckpt}, {@code a/b} is
 * {@code a.d/b.ckpt}, {@code a/manifest} is {@code a.d/manifest.ckpt}, {@code x.ckpt} is
 * {@code x.ckpt.ckpt} and {@code x.ckpt/y} is {@code x.ckpt.d/y.ckpt}; no two names share a path
 * and no name's path is a prefix (directory) of another's file.
 */
public final class LocalCheckpointLayout {
    /** The lock file that serialises publishing, deleting and collecting, across processes. */
    public static final String LOCK_FILE = "commit.lock";
    /** The file that holds the highest committed epoch. */
    public static final String EPOCH_FILE = "epoch";
    /** The name of the manifest inside an attempt's folder. */
    public static final String MANIFEST = "manifest";

    static final String COMMITTED = "committed";
    static final String ATTEMPTS = "attempts";
    static final String TRASH = "trash";
    static final String PARTS = "parts";

    static final String ID_LEAF = ".ckpt";
    static final String PART_LEAF = ".part";
    private static final String LEVEL = ".d";
    private static final String CHUNK = ".c";
    /** Longest encoded chunk per component: with the longest suffix, well below 255 bytes. */
    private static final int MAX_CHUNK = 240;

    private final Path root;
    private final Path committed;
    private final Path attempts;
    private final Path trash;

    /** @param root the store's absolute root directory */
    public LocalCheckpointLayout(Path root) {
        this.root = requireNonNull(root, "root is null");
        this.committed = root.resolve(COMMITTED);
        this.attempts = root.resolve(ATTEMPTS);
        this.trash = root.resolve(TRASH);
    }

    public Path root() {
        return root;
    }

    public Path committedDir() {
        return committed;
    }

    public Path attemptsDir() {
        return attempts;
    }

    public Path trashDir() {
        return trash;
    }

    public Path lockFile() {
        return root.resolve(LOCK_FILE);
    }

    public Path epochFile() {
        return root.resolve(EPOCH_FILE);
    }

    /** The commit point of {@code id}: present exactly when {@code id} is committed. */
    public Path committedManifest(CheckpointId id) {
        return resolve(committed, id.value(), ID_LEAF);
    }

    /**
     * The directory below which every id that starts with the segments of {@code prefix} (a valid
     * name) is committed, other than {@code prefix} itself (see {@link #committedManifest}).
     */
    public Path committedDirUnder(String prefix) {
        Path dir = committed;
        for (String segment : prefix.split("/", -1)) {
            List<String> components = components(segment, LEVEL);
            for (String c : components) {
                dir = dir.resolve(c);
            }
        }
        return dir;
    }

    /** The folder of one attempt. */
    public Path attemptDir(String attemptId) {
        return attempts.resolve(attemptId);
    }

    /** The manifest written inside an attempt's folder before it is published. */
    public Path attemptManifest(String attemptId) {
        return attemptDir(attemptId).resolve(MANIFEST);
    }

    /** The folder that holds an attempt's parts. */
    public Path partsDir(String attemptId) {
        return attemptDir(attemptId).resolve(PARTS);
    }

    /** The file of part {@code name} of an attempt. */
    public Path partFile(String attemptId, String name) {
        return resolve(partsDir(attemptId), name, PART_LEAF);
    }

    /** The id whose commit point is {@code file}, if it is one (a file below {@link #committedDir()}). */
    public Optional<CheckpointId> idOf(Path file) {
        if (!file.startsWith(committed)) {
            return Optional.empty();
        }
        return decode(committed.relativize(file), ID_LEAF).map(CheckpointId::of);
    }

    /** Which attempt and part a part file holds. */
    public record PartFile(String attemptId, String partName) {}

    /** The attempt id and part name of a part file, if {@code file} is one. */
    public Optional<PartFile> partOf(Path file) {
        if (!file.startsWith(attempts)) {
            return Optional.empty();
        }
        Path rel = attempts.relativize(file);
        if (rel.getNameCount() < 3 || !rel.getName(1).toString().equals(PARTS)) {
            return Optional.empty();
        }
        String attempt = rel.getName(0).toString();
        return decode(rel.subpath(2, rel.getNameCount()), PART_LEAF).map(name -> new PartFile(attempt, name));
    }

    private static Path resolve(Path base, String name, String leaf) {
        Path p = base;
        String[] segments = name.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            for (String c : components(segments[i], i == segments.length - 1 ? leaf : LEVEL)) {
                p = p.resolve(c);
            }
        }
        return p;
    }

    /** The path components of one segment, the last ending with {@code suffix}. */
    static List<String> components(String segment, String suffix) {
        String encoded = escape(segment);
        List<String> out = new ArrayList<>();
        int start = 0;
        while (encoded.length() - start > MAX_CHUNK) {
            int end = start + MAX_CHUNK;
            // never split a %XX escape
            if (encoded.charAt(end - 1) == '%') {
                end -= 1;
            } else if (encoded.charAt(end - 2) == '%') {
                end -= 2;
            }
            out.add(encoded.substring(start, end) + CHUNK);
            start = end;
        }
        out.add(encoded.substring(start) + suffix);
        return out;
    }

    /** Percent-encodes every UTF-8 byte outside {@code a-z 0-9 - _ .}. */
    static String escape(String segment) {
        StringBuilder b = new StringBuilder(segment.length());
        for (byte x : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (plain(c)) {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return b.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean plain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    }

    /**
     * Decodes a relative path made by {@link #resolve}; empty if it is not one (a stray or
     * temporary file), so only names this layout produced are ever accepted.
     */
    static Optional<String> decode(Path relative, String leaf) {
        List<String> segments = new ArrayList<>();
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        int n = relative.getNameCount();
        for (int i = 0; i < n; i++) {
            String c = relative.getName(i).toString();
            boolean last = i == n - 1;
            String body;
            if (last && c.endsWith(leaf)) {
                body = c.substring(0, c.length() - leaf.length());
            } else if (!last && c.endsWith(LEVEL)) {
                body = c.substring(0, c.length() - LEVEL.length());
            } else if (!last && c.endsWith(CHUNK)) {
                body = c.substring(0, c.length() - CHUNK.length());
            } else {
                return Optional.empty();
            }
            if (body.isEmpty() || !unescape(body, segment)) {
                return Optional.empty();
            }
            if (!c.endsWith(CHUNK) || last) {
                segments.add(segment.toString(StandardCharsets.UTF_8));
                segment.reset();
            }
        }
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        String name = String.join("/", segments);
        try {
            Names.validate("name", name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // accept only the canonical spelling, so one name never has two paths
        Path again = resolve(Path.of(""), name, leaf);
        return again.equals(relative) ? Optional.of(name) : Optional.empty();
    }

    private static boolean unescape(String body, ByteArrayOutputStream out) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '%') {
                if (i + 2 >= body.length()) {
                    return false;
                }
                int hi = Character.digit(body.charAt(i + 1), 16);
                int lo = Character.digit(body.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return false;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (plain(c)) {
                out.write(c);
            } else {
                return false;
            }
        }
        return true;
    }
}

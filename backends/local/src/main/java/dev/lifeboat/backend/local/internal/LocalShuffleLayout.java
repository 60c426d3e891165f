package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.shuffle.MapOutputId;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a local shuffle block store keeps what, below its root directory:
 *
 * <pre>
 * root/
 *   shuffle-&lt;shuffleId&gt;/
 *     &lt;mapId&gt;-&lt;attempt&gt;.&lt;random&gt;.data.tmp   an attempt being written
 *     &lt;mapId&gt;.&lt;random&gt;.index.tmp             an index about to be published
 *     &lt;mapId&gt;-&lt;attempt&gt;.data                   the blocks of a committed attempt, back to back
 *     &lt;mapId&gt;.index                             the commit point: names the winning attempt
 *                                               and each block's length and CRC32C
 *                                               ({@code ShuffleIndexCodec}); created by hard link,
 *                                               so the first attempt to commit wins
 *   .removing-shuffle-&lt;shuffleId&gt;-&lt;random&gt;/   a shuffle being removed
 * </pre>
 */
public final class LocalShuffleLayout {
    private static final Pattern SHUFFLE_DIR = Pattern.compile("shuffle-(\\d{1,10})");
    private static final Pattern INDEX = Pattern.compile("(\\d{1,19})\\.index");
    private static final Pattern DATA = Pattern.compile("(\\d{1,19})-(\\d{1,10})\\.data");

    private final Path root;

    public LocalShuffleLayout(Path root) {
        this.root = requireNonNull(root, "root is null");
    }

    public Path root() {
        return root;
    }

    public Path shuffleDir(int shuffleId) {
        return root.resolve("shuffle-" + shuffleId);
    }

    public Path indexFile(int shuffleId, long mapId) {
        return shuffleDir(shuffleId).resolve(mapId + ".index");
    }

    public Path dataFile(MapOutputId id) {
        return shuffleDir(id.shuffleId()).resolve(id.mapId() + "-" + id.attempt() + ".data");
    }

    public Path tempDataFile(MapOutputId id, String unique) {
        return shuffleDir(id.shuffleId()).resolve(id.mapId() + "-" + id.attempt() + "." + unique + ".data.tmp");
    }

    public Path tempIndexFile(MapOutputId id, String unique) {
        return shuffleDir(id.shuffleId()).resolve(id.mapId() + "." + unique + ".index.tmp");
    }

    public Path removingDir(int shuffleId, String unique) {
        return root.resolve(".removing-shuffle-" + shuffleId + "-" + unique);
    }

    /** The shuffle id of a shuffle folder's name. */
    public static OptionalInt shuffleIdOf(String dirName) {
        Matcher m = SHUFFLE_DIR.matcher(dirName);
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        long id = Long.parseLong(m.group(1));
        return id <= Integer.MAX_VALUE ? OptionalInt.of((int) id) : OptionalInt.empty();
    }

    /** The map id of an index file's name. */
    public static Optional<Long> mapIdOfIndex(String fileName) {
        Matcher m = INDEX.matcher(fileName);
        return m.matches() ? parseLong(m.group(1)) : Optional.empty();
    }

    /** The map id and attempt of a committed data file's name ({@code shuffleId} as given). */
    public static Optional<MapOutputId> mapOutputOfData(int shuffleId, String fileName) {
        Matcher m = DATA.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Long> mapId = parseLong(m.group(1));
        long attempt = Long.parseLong(m.group(2));
        if (mapId.isEmpty() || attempt > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(MapOutputId.of(shuffleId, mapId.get(), (int) attempt));
    }

    private static Optional<Long> parseLong(String digits) {
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

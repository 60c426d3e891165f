package dev.lifeboat.backend.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.data.Stat;

/**
 * The znodes of one election group and how their contents are encoded:
 *
 * <pre>
 * &lt;group&gt;/epoch                         persistent; the last epoch handed out, as decimal text
 * &lt;group&gt;/candidates/_c_&lt;uuid&gt;-c-&lt;seq&gt;   ephemeral-sequential; data: the participant id
 * </pre>
 *
 * <p>The candidate with the lowest sequence number leads. The epoch counter is created empty;
 * an empty counter counts from the ZooKeeper transaction id (zxid) that created it, so a counter
 * that an operator deleted and that was then re-created still starts above every epoch handed
 * out before (each election is a transaction, so the zxid grows at least as fast as the
 * counter).
 *
 * @param group the absolute group path (below the client's namespace)
 */
record ElectionPaths(String group) {
    /** Curator's protected names end with the name given, here {@code c-}, and the sequence. */
    private static final Pattern CANDIDATE = Pattern.compile(".*c-(-?\\d{10})");

    ElectionPaths {
        requireNonNull(group, "group is null");
    }

    String epoch() {
        return group + "/epoch";
    }

    String candidates() {
        return group + "/candidates";
    }

    /** The path given to a protected ephemeral-sequential create. */
    String candidatePrefix() {
        return candidates() + "/c-";
    }

    String candidate(String name) {
        return candidates() + "/" + name;
    }

    /** The last segment of a path. */
    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The ZooKeeper sequence number of a candidate node name, if it is one. */
    static OptionalLong sequence(String name) {
        Matcher m = CANDIDATE.matcher(name);
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** The candidate node names among {@code children}, lowest sequence (the leader) first. */
    static List<String> inLine(List<String> children) {
        return children.stream()
                .filter(c -> sequence(c).isPresent())
                .sorted(Comparator.comparingLong((String c) -> sequence(c).getAsLong()))
                .toList();
    }

    /**
     * The value of the epoch counter: its decimal text, or its creation zxid while it is empty.
     *
     * @param where the counter's full path, for the message
     * @throws CorruptDataException if it holds anything but a positive decimal number
     */
    static long decodeEpoch(byte[] data, Stat stat, String where) throws CorruptDataException {
        if (data == null || data.length == 0) {
            return stat.getCzxid();
        }
        String text = new String(data, StandardCharsets.US_ASCII);
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CorruptDataException(
                where,
                -1,
                "the election epoch counter must hold a decimal number >= 0," + " found " + data.length + " bytes '"
                        + text.replaceAll("\\p{Cntrl}", "?") + "'");
    }

    static byte[] encodeEpoch(long epoch) {
        return Long.toString(epoch).getBytes(StandardCharsets.US_ASCII);
    }
}

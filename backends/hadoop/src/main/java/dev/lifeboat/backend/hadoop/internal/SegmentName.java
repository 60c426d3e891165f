package dev.lifeboat.backend.hadoop.internal;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a write-ahead log segment file: {@code <first LSN, 20 digits>-<session, 10 digits>.wal}.
 * The session number grows with every writer that opens the log, so a new writer never needs
 * the name of an existing segment (an empty segment left by an earlier writer starts at the
 * same LSN as the next one). Names sort in log order.
 *
 * @param firstLsn the LSN of the segment's first record (or of the next record, if it is empty)
 * @param session the number of the writer session that created it
 */
public record SegmentName(long firstLsn, long session) implements Comparable<SegmentName> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{20})-(\\d{10})\\.wal");
    private static final Comparator<SegmentName> ORDER =
            Comparator.comparingLong(SegmentName::firstLsn).thenComparingLong(SegmentName::session);

    public SegmentName {
        if (firstLsn < 0 || session < 0 || session > 9_999_999_999L) {
            throw new IllegalArgumentException("invalid segment name: first LSN " + firstLsn + ", session " + session);
        }
    }

    /** The name of a segment file, or empty if {@code fileName} is not one. */
    public static Optional<SegmentName> parse(String fileName) {
        Matcher m = FORMAT.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SegmentName(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }

    public String fileName() {
        return String.format("%020d-%010d.wal", firstLsn, session);
    }

    @Override
    public int compareTo(SegmentName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return fileName();
    }
}

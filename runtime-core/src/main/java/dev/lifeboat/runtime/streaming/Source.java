package dev.lifeboat.runtime.streaming;

import java.io.IOException;
import java.util.List;

/**
 * Where a query's records come from. Offsets are positions in the source: a batch reads the
 * records in {@code [start, end)}. A source must return the same records for the same range
 * for as long as the range is not {@linkplain #committed(long) committed}: that is what lets a
 * restarted driver re-run a batch exactly.
 *
 * <p>Records are text lines; a query's aggregation parses them.
 */
public interface Source extends AutoCloseable {
    /** A short name for logs and the timeline. */
    String name();

    /** The offset where a new query starts. */
    long initialOffset() throws IOException;

    /** The offset just past the newest record available now; never decreases. */
    long latestOffset() throws IOException;

    /**
     * The records in {@code [start, end)}, in order.
     *
     * @throws IllegalArgumentException if the range is empty-reversed or beyond {@link #latestOffset()}
     */
    List<String> read(long start, long end) throws IOException;

    /**
     * Every record before {@code end} is in a committed batch and will never be read again; a
     * source may drop them (a receiver truncates its write-ahead log). Default: nothing.
     */
    default void committed(long end) throws IOException {}

    @Override
    default void close() throws IOException {}
}

package dev.lifeboat.spi.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * An iterator over stored data that holds resources until closed. Because {@link Iterator}
 * cannot throw checked exceptions, an I/O failure during {@link #hasNext()} or {@link #next()}
 * surfaces as an {@link UncheckedIOException} whose cause is the {@link IOException} (for example
 * a {@link dev.lifeboat.spi.CorruptDataException}). {@link #hasNextChecked()} and
 * {@link #nextChecked()} throw that {@link IOException} itself, so callers can catch
 * {@link dev.lifeboat.spi.CorruptDataException} by type without unwrapping:
 *
 * <pre>{@code
 * try (CloseableIterator<LogRecord> it = reader.replayAll()) {
 *     while (it.hasNextChecked()) {
 *         apply(it.nextChecked());
 *     }
 * } catch (CorruptDataException e) {
 *     // e.location(), e.offset()
 * }
 * }</pre>
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
    /**
     * {@link #hasNext()}, throwing an I/O failure as the {@link IOException} it is.
     *
     * @throws dev.lifeboat.spi.CorruptDataException if the next stored item fails verification
     */
    default boolean hasNextChecked() throws IOException {
        try {
            return hasNext();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * {@link #next()}, throwing an I/O failure as the {@link IOException} it is.
     *
     * @throws dev.lifeboat.spi.CorruptDataException if the stored item fails verification
     * @throws java.util.NoSuchElementException if there is no next item
     */
    default T nextChecked() throws IOException {
        try {
            return next();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    void close() throws IOException;
}

package dev.lifeboat.spi.wal;

import java.io.IOException;
import java.util.Iterator;

/**
 * An iterator over stored data that holds resources until closed. Because {@link Iterator}
 * cannot throw checked exceptions, an I/O failure during iteration surfaces as an
 * {@link java.io.UncheckedIOException} whose cause is the {@link IOException} (for example a
 * {@link dev.lifeboat.spi.CorruptDataException}).
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
    @Override
    void close() throws IOException;
}

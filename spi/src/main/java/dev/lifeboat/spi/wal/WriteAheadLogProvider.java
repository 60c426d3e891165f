package dev.lifeboat.spi.wal;

import dev.lifeboat.spi.BackendProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Opens write-ahead logs of one URI scheme. Registered in
 * {@code META-INF/services/dev.lifeboat.spi.wal.WriteAheadLogProvider}.
 *
 * <p>{@link #open} opens the log's one writer (creating the log if absent) and recovers it: a
 * torn tail is cut off and reported.
 */
public interface WriteAheadLogProvider extends BackendProvider<WriteAheadLog> {
    /**
     * Opens a read-only view of an existing log that changes nothing in storage (a torn tail is
     * reported, not cut).
     *
     * @throws java.nio.file.NoSuchFileException if no log exists at {@code uri}
     */
    WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException;
}

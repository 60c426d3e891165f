package dev.lifeboat.runtime.streaming;

import java.io.IOException;
import java.util.List;

/**
 * Where a query's output goes. Writes are idempotent by batch id: a restarted driver may write a
 * batch again (with the same rows, because the batch's offsets are logged before it runs), and
 * the second write must change nothing. See {@link FileSink} and {@link TransactionalSink}.
 */
public interface Sink extends AutoCloseable {
    /**
     * Writes the output of one batch atomically, unless that batch was already written.
     *
     * @param epoch the writing driver's leader epoch ({@code 0} outside an election); a sink may
     *     refuse a stale epoch with {@link dev.lifeboat.spi.FencedException}
     */
    void addBatch(long batchId, long epoch, List<String> rows) throws IOException;

    @Override
    default void close() throws IOException {}
}

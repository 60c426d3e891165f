package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.List;

/**
 * A sink for users whose storage has transactions (a database, a transactional topic): the
 * batch's rows and its batch id are committed in one transaction, so a replayed batch is
 * recognised by {@link #lastCommittedBatch()} and skipped. Adapt with {@link #asSink}.
 */
public interface TransactionalSink extends AutoCloseable {
    /** The greatest batch id whose transaction committed, or {@code -1} if none. */
    long lastCommittedBatch() throws IOException;

    /** Starts the transaction of one batch; closing it without {@link Transaction#commit()} aborts it. */
    Transaction begin(long batchId, long epoch) throws IOException;

    @Override
    default void close() throws IOException {}

    /** One batch's transaction. */
    interface Transaction extends AutoCloseable {
        void write(String row) throws IOException;

        /** Commits the rows together with the batch id as {@link #lastCommittedBatch()}. */
        void commit() throws IOException;

        /** Aborts unless committed. Idempotent. */
        @Override
        void close() throws IOException;
    }

    /** A {@link Sink} that skips batches up to {@link #lastCommittedBatch()} and writes others in one transaction. */
    static Sink asSink(TransactionalSink sink) {
        requireNonNull(sink, "sink is null");
        return new Sink() {
            @Override
            public void addBatch(long batchId, long epoch, List<String> rows) throws IOException {
                if (batchId <= sink.lastCommittedBatch()) {
                    return;
                }
                try (Transaction tx = sink.begin(batchId, epoch)) {
                    for (String row : rows) {
                        tx.write(row);
                    }
                    tx.commit();
                }
            }

            @Override
            public void close() throws IOException {
                sink.close();
            }
        };
    }
}

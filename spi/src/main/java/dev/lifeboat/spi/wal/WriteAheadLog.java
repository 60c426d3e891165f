package dev.lifeboat.spi.wal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A write-ahead log: the one writer of a log. Records are opaque byte strings identified by
 * {@link RecordHandle}s whose LSNs follow append order across all threads.
 *
 * <p><b>Appending and durability are separate steps.</b> {@link #append} orders a record and
 * assigns its LSN without waiting for storage. {@link #sync(Durability)} waits until every record
 * appended before the call is durable at that level. {@link #appendAsync} does both: its future
 * completes when the record is durable at the log's configured {@link #durability()}. Many
 * threads appending at once share storage operations (group commit: one fsync, hsync or PUT per
 * batch, batched by size and delay), and every record keeps its own handle. Appenders are
 * back-pressured when too many bytes are waiting for storage.
 *
 * <p><b>Guarantees.</b> A record acknowledged at {@link Durability#SYNC} is never lost by a crash.
 * Records become durable in LSN order: when record {@code n} is durable, so is every record
 * before it. After a crash, reopening the log cuts off a torn tail, reports it in
 * {@link #recovery()}, and keeps every complete record before it.
 *
 * <p><b>One writer.</b> Opening a second writer on the same log fails with
 * {@link dev.lifeboat.spi.ConcurrentWriterException} (or fences the first, where the backend
 * documents so).
 *
 * <p>This shape backs Spark Streaming's {@code WriteAheadLog}: {@code write} is
 * {@link #write(ByteBuffer, long)}, {@code read} is {@link #read}, {@code readAll} is
 * {@link #replayAll()}, {@code clean(threshTime)} is {@link #truncateBefore(long)}.
 */
public interface WriteAheadLog extends WriteAheadLogReader {
    /**
     * Appends a record without waiting for it to become durable and without waiting for another
     * thread's storage operation. The record is ordered after every record whose {@code append}
     * returned before this call began.
     *
     * <p>{@code append} may do storage work in the calling thread: an implementation that batches
     * records may write a batch of queued records (this one and earlier ones) itself when enough
     * have queued and no other write is in flight, so that nothing else has to. Such a write
     * hands bytes to storage without making them durable ({@link #sync} does that). It blocks
     * while too many bytes wait for storage (back-pressure), and a storage error met by that
     * write is thrown from this call.
     *
     * @param record the bytes from position to limit; not modified, and may be reused after return
     * @param timestampMillis metadata for {@link #truncateBefore(long)}; not the record's identity
     * @return the record's handle
     * @throws IllegalArgumentException if the record is larger than the log's record limit
     * @throws IllegalStateException if the log is closed
     * @throws IOException if the log has failed (an earlier storage error fails every later call)
     */
    RecordHandle append(ByteBuffer record, long timestampMillis) throws IOException;

    /** {@link #append(ByteBuffer, long)} stamped with the current time. */
    default RecordHandle append(ByteBuffer record) throws IOException {
        return append(record, System.currentTimeMillis());
    }

    /**
     * Appends a record; the future completes with its handle once the record is durable at
     * {@link #durability()}, or exceptionally with the {@link IOException} that prevented it.
     *
     * @throws IllegalArgumentException if the record is larger than the log's record limit
     * @throws IllegalStateException if the log is closed
     */
    CompletableFuture<RecordHandle> appendAsync(ByteBuffer record, long timestampMillis);

    /**
     * Appends a record and waits until it is durable at {@link #durability()}: the Spark
     * {@code WriteAheadLog.write} contract.
     */
    default RecordHandle write(ByteBuffer record, long timestampMillis) throws IOException {
        CompletableFuture<RecordHandle> future = appendAsync(record, timestampMillis);
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while waiting for durability");
            ie.initCause(e);
            throw ie;
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException uio) {
                throw uio.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    /**
     * Waits until every record appended before this call is durable at {@code level}.
     *
     * @throws IOException if storage failed; the records' fate is then unknown until reopen
     */
    void sync(Durability level) throws IOException;

    /** {@code sync(Durability.SYNC)}. */
    default void sync() throws IOException {
        sync(Durability.SYNC);
    }

    /** The level {@link #appendAsync} and {@link #write} wait for. */
    Durability durability();

    /**
     * Drops whole segments whose records all precede {@code handle}. Records at or after
     * {@code handle} are kept; some before it may be kept too (truncation is by segment).
     * Idempotent.
     */
    void truncateBefore(RecordHandle handle) throws IOException;

    /**
     * Drops whole segments whose newest record has a timestamp before {@code thresholdMillis}:
     * Spark's {@code clean(threshTime)}. Never drops the segment being written.
     */
    void truncateBefore(long thresholdMillis) throws IOException;

    /**
     * Syncs every appended record at {@link #durability()}, then releases the log. Idempotent.
     */
    @Override
    void close() throws IOException;
}

package dev.lifeboat.spark;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.wal.RecordHandle;
import java.net.URI;
import org.apache.spark.streaming.util.WriteAheadLogRecordHandle;

/**
 * Where one record of a Lifeboat write-ahead log lives: the log's URI and the record's LSN. Spark
 * keeps these handles in its block metadata and hands them to a fresh log instance, possibly on
 * another executor, to read the record back: the handle alone says where to look.
 */
public final class LifeboatWalRecordHandle extends WriteAheadLogRecordHandle {
    private static final long serialVersionUID = 1L;

    private final String log;
    private final long lsn;

    public LifeboatWalRecordHandle(URI log, RecordHandle handle) {
        this.log = requireNonNull(log, "log is null").toString();
        this.lsn = requireNonNull(handle, "handle is null").lsn();
    }

    /** The URI of the log holding the record. */
    public URI log() {
        return URI.create(log);
    }

    /** The record's handle in that log. */
    public RecordHandle handle() {
        return RecordHandle.of(lsn);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LifeboatWalRecordHandle h && h.log.equals(log) && h.lsn == lsn;
    }

    @Override
    public int hashCode() {
        return log.hashCode() * 31 + Long.hashCode(lsn);
    }

    @Override
    public String toString() {
        return log + "#" + lsn;
    }
}

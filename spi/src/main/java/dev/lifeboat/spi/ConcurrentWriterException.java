package dev.lifeboat.spi;

import java.io.IOException;

/**
 * A single-writer resource (a write-ahead log) already has a live writer. Opening a second one
 * is refused rather than interleaving two writers' records.
 */
public class ConcurrentWriterException extends IOException {
    private static final long serialVersionUID = 1L;

    public ConcurrentWriterException(String message) {
        super(message);
    }
}

package dev.lifeboat.runtime.streaming;

import dev.lifeboat.spi.FencedException;

/**
 * A streaming query stopped because its driver was deposed: storage refused its epoch, another
 * driver committed the batch it was running, or its leadership ended. The driver must not retry;
 * the current leader carries on.
 */
public final class QueryFencedException extends FencedException {
    private static final long serialVersionUID = 1L;

    public QueryFencedException(String what, long writerEpoch, long currentEpoch, Throwable cause) {
        super("streaming query: " + what, writerEpoch, currentEpoch);
        if (cause != null) {
            initCause(cause);
        }
    }
}

package dev.lifeboat.spi;

import java.io.IOException;

/**
 * A write was refused because a newer leader epoch (or a newer writer) exists. The writer has
 * been deposed: it must stop, not retry.
 */
public class FencedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long writerEpoch;
    private final long currentEpoch;

    /**
     * @param what what was refused, for example {@code "commit of checkpoint offsets/7"}
     * @param writerEpoch the epoch the refused write carried
     * @param currentEpoch the newest epoch the storage knows, or -1 if unknown
     */
    public FencedException(String what, long writerEpoch, long currentEpoch) {
        super("Fenced: " + what + " carries epoch " + writerEpoch
                + (currentEpoch >= 0 ? " but epoch " + currentEpoch + " already wrote" : " which is stale"));
        this.writerEpoch = writerEpoch;
        this.currentEpoch = currentEpoch;
    }

    public long writerEpoch() {
        return writerEpoch;
    }

    /** The newest epoch the storage knows, or -1 if unknown. */
    public long currentEpoch() {
        return currentEpoch;
    }
}

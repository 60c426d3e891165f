package dev.lifeboat.spi.shuffle;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * A shuffle block cannot be read: it is missing or fails verification. Carries the block, the
 * location it was expected at, and the scope of the loss; the engine turns it into one fetch
 * failure and one round of map-stage recomputation.
 */
public class BlockUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient BlockId blockId;
    private final String location;
    private final LossScope scope;

    public BlockUnavailableException(
            BlockId blockId, String location, LossScope scope, String detail, Throwable cause) {
        super(
                "Block " + requireNonNull(blockId, "blockId is null") + " at " + location
                        + " is unavailable ("
                        + requireNonNull(scope, "scope is null").name().toLowerCase(java.util.Locale.ROOT)
                        + " lost): " + detail,
                cause);
        this.blockId = blockId;
        this.location = requireNonNull(location, "location is null");
        this.scope = scope;
    }

    public BlockId blockId() {
        return blockId;
    }

    public String location() {
        return location;
    }

    public LossScope scope() {
        return scope;
    }
}

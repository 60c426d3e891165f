package dev.lifeboat.spi.shuffle;

/**
 * How much was lost when a block is unavailable, so the engine invalidates everything lost in
 * one round of recomputation instead of discovering the loss one block at a time.
 */
public enum LossScope {
    /**
     * Only the map output that holds the block (its other blocks may be damaged too). The scope
     * of a missing or corrupt map output at a location that is otherwise intact.
     */
    MAP_OUTPUT,
    /** Every map output stored at the block's location (a lost executor or disk). */
    LOCATION,
    /**
     * Every map output of the block's shuffle stored at the block's location (the shuffle was
     * removed there). Outputs of the same shuffle at other locations are not implied.
     */
    SHUFFLE,
}

/**
 * The shuffle block store contract: a {@link dev.lifeboat.spi.shuffle.MapOutputWriter} per map
 * attempt writes reduce partitions in order and commits a {@link dev.lifeboat.spi.shuffle.MapStatus}
 * (the first committed attempt wins); readers open one block by status and get verified bytes, or a
 * {@link dev.lifeboat.spi.shuffle.BlockUnavailableException} whose {@link
 * dev.lifeboat.spi.shuffle.LossScope} tells the engine how much to recompute. Backends implement
 * {@link dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider}.
 *
 * <p><b>Stability.</b> Public API; the interfaces only gain {@code default} methods before 1.0.
 */
package dev.lifeboat.spi.shuffle;

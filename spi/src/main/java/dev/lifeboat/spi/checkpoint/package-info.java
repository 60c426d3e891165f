/**
 * The checkpoint store contract: a {@link dev.lifeboat.spi.checkpoint.CheckpointWriter} begun for
 * a {@link dev.lifeboat.spi.checkpoint.CheckpointId} writes named parts and commits them all at
 * once, put-if-absent ({@link dev.lifeboat.spi.checkpoint.AlreadyCommittedException} for a second
 * writer of the same id), carrying the writer's leader epoch; closing a writer without committing
 * aborts it. Reads verify every part against the manifest's length and CRC32C. Backends implement
 * {@link dev.lifeboat.spi.checkpoint.CheckpointStoreProvider}.
 *
 * <p><b>Stability.</b> Public API; the interfaces only gain {@code default} methods before 1.0.
 */
package dev.lifeboat.spi.checkpoint;

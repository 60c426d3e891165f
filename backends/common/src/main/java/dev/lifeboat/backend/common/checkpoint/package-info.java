/**
 * Shared checkpoint machinery: the manifest codec (parts with their lengths and CRC32C, the
 * writer's epoch), unique attempt names, the writer's protocol
 * ({@link dev.lifeboat.backend.common.checkpoint.AbstractCheckpointWriter}: begin, parts, commit
 * or abort) and the verified reading of a committed checkpoint
 * ({@link dev.lifeboat.backend.common.checkpoint.AbstractCheckpoint}), so that every backend
 * publishes and verifies checkpoints the same way and implements only its storage primitives.
 */
package dev.lifeboat.backend.common.checkpoint;

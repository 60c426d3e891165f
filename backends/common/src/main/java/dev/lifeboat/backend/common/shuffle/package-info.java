/**
 * Shared shuffle machinery: the index codec (per-partition offsets, lengths and CRC32C), the map
 * output writer's protocol ({@link dev.lifeboat.backend.common.shuffle.AbstractMapOutputWriter}),
 * and the argument check and listing order of every store
 * ({@link dev.lifeboat.backend.common.shuffle.MapOutputs}), so that every shuffle block store
 * writes and verifies map outputs the same way.
 */
package dev.lifeboat.backend.common.shuffle;

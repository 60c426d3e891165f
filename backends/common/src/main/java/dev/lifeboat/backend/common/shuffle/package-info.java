/**
 * Shared shuffle machinery: the index codec (per-partition offsets, lengths and CRC32C) and the
 * map output writer's protocol ({@link dev.lifeboat.backend.common.shuffle.AbstractMapOutputWriter}),
 * so that every shuffle block store writes and verifies map outputs the same way.
 */
package dev.lifeboat.backend.common.shuffle;

/** The shuffle index codec shared by every shuffle block store: per-partition offsets, lengths and CRC32C. */
package dev.lifeboat.backend.common.shuffle;

package dev.lifeboat.spi.checkpoint;

import dev.lifeboat.spi.Names;

/**
 * One part of a committed checkpoint, as recorded in its manifest.
 *
 * @param name the part's name (validated like a checkpoint id)
 * @param length its length in bytes
 * @param crc32c the CRC32C of its bytes
 */
public record PartInfo(String name, long length, int crc32c) {
    public PartInfo {
        Names.validate("part name", name);
        if (length < 0) {
            throw new IllegalArgumentException("part '" + name + "' has a negative length: " + length);
        }
    }
}

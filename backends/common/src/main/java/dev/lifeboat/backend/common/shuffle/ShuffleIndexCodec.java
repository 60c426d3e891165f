package dev.lifeboat.backend.common.shuffle;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The index of one committed map output, shared by every byte-storing backend: which attempt
 * it is, and per reduce partition the block's length and CRC32C (blocks are stored back to back
 * in the data object, so offsets are cumulative lengths).
 *
 * <pre>
 * magic "LSI1" | shuffleId i32 | mapId i64 | attempt i32 | n i32 | n × (length i64, crc i32) | crc32c i32
 * </pre>
 */
public final class ShuffleIndexCodec {
    private static final int MAGIC = 0x4C534931; // "LSI1"

    private ShuffleIndexCodec() {}

    public static byte[] encode(MapOutputId id, long[] lengths, int[] checksums) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 8 + 4 + 4 + lengths.length * 12 + 4);
        b.putInt(MAGIC)
                .putInt(id.shuffleId())
                .putLong(id.mapId())
                .putInt(id.attempt())
                .putInt(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            b.putLong(lengths[i]).putInt(checksums[i]);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * Decodes and verifies an index written by {@link #encode}.
     *
     * @param location where the index lives; becomes the status' location
     * @throws CorruptDataException if the bytes are not an intact index
     */
    public static MapStatus decode(byte[] bytes, String location) throws CorruptDataException {
        if (bytes.length < 28) {
            throw new CorruptDataException(location, 0, "shuffle index of " + bytes.length + " bytes is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt(bytes.length - 4) != (int) crc.getValue()) {
            throw new CorruptDataException(location, bytes.length - 4, "shuffle index CRC32C mismatch");
        }
        if (b.getInt() != MAGIC) {
            throw new CorruptDataException(location, 0, "not a Lifeboat shuffle index");
        }
        MapOutputId id = MapOutputId.of(b.getInt(), b.getLong(), b.getInt());
        int n = b.getInt();
        if (n < 0 || bytes.length != 28 + 12L * n) {
            throw new CorruptDataException(location, 20, "shuffle index claims " + n + " partitions");
        }
        long[] lengths = new long[n];
        int[] checksums = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = b.getLong();
            checksums[i] = b.getInt();
        }
        return new MapStatus(id, location, lengths, checksums);
    }
}

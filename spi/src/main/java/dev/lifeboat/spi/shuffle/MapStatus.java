package dev.lifeboat.spi.shuffle;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a committed map output is: where it lives and, per reduce partition, how many bytes it
 * holds and their CRC32C. Readers verify blocks against it. Serialisable with
 * {@link #toBytes()} so an engine can keep statuses in a checkpoint.
 */
public final class MapStatus {
    private static final byte FORMAT_VERSION = 1;

    private final MapOutputId id;
    private final String location;
    private final long[] lengths;
    private final int[] checksums;

    /**
     * @param id the committed attempt
     * @param location the store location that holds it (see {@link ShuffleBlockStore#location()})
     * @param lengths bytes per reduce partition
     * @param checksums CRC32C per reduce partition
     */
    public MapStatus(MapOutputId id, String location, long[] lengths, int[] checksums) {
        this.id = requireNonNull(id, "id is null");
        this.location = requireNonNull(location, "location is null");
        this.lengths = requireNonNull(lengths, "lengths is null").clone();
        this.checksums = requireNonNull(checksums, "checksums is null").clone();
        if (lengths.length != checksums.length) {
            throw new IllegalArgumentException(
                    "lengths (" + lengths.length + ") and checksums (" + checksums.length + ") differ in size");
        }
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("partition " + i + " has a negative length: " + lengths[i]);
            }
        }
    }

    public MapOutputId id() {
        return id;
    }

    public String location() {
        return location;
    }

    public int numPartitions() {
        return lengths.length;
    }

    public long length(int reduceId) {
        checkReduceId(reduceId);
        return lengths[reduceId];
    }

    public int checksum(int reduceId) {
        checkReduceId(reduceId);
        return checksums[reduceId];
    }

    /** Where block {@code reduceId} starts in a map output that stores blocks back to back. */
    public long offset(int reduceId) {
        checkReduceId(reduceId);
        long offset = 0;
        for (int i = 0; i < reduceId; i++) {
            offset += lengths[i];
        }
        return offset;
    }

    public long totalBytes() {
        return Arrays.stream(lengths).sum();
    }

    public BlockId blockId(int reduceId) {
        checkReduceId(reduceId);
        return BlockId.of(id.shuffleId(), id.mapId(), reduceId);
    }

    public byte[] toBytes() {
        byte[] loc = location.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8 + 4 + 4 + loc.length + 4 + lengths.length * 12);
        b.put(FORMAT_VERSION).putInt(id.shuffleId()).putLong(id.mapId()).putInt(id.attempt());
        b.putInt(loc.length).put(loc).putInt(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            b.putLong(lengths[i]).putInt(checksums[i]);
        }
        return b.array();
    }

    /**
     * Reads a status written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not a serialised status
     */
    public static MapStatus fromBytes(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte version = b.get();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown map status format version " + version);
            }
            MapOutputId id = MapOutputId.of(b.getInt(), b.getLong(), b.getInt());
            byte[] loc = new byte[b.getInt()];
            b.get(loc);
            int n = b.getInt();
            long[] lengths = new long[n];
            int[] checksums = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = b.getLong();
                checksums[i] = b.getInt();
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing bytes after a map status");
            }
            return new MapStatus(id, new String(loc, StandardCharsets.UTF_8), lengths, checksums);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated map status", e);
        }
    }

    private void checkReduceId(int reduceId) {
        if (reduceId < 0 || reduceId >= lengths.length) {
            throw new IllegalArgumentException(
                    "reduce partition " + reduceId + " is out of range [0, " + lengths.length + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapStatus other
                && id.equals(other.id)
                && location.equals(other.location)
                && Arrays.equals(lengths, other.lengths)
                && Arrays.equals(checksums, other.checksums);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id.hashCode() + location.hashCode()) + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        return "MapStatus[" + id + " at " + location + ", " + lengths.length + " partitions, " + totalBytes()
                + " bytes]";
    }
}

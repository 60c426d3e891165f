package dev.lifeboat.runtime.internal.io;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.Zstd;
import dev.lifeboat.runtime.serializer.SerializationException;
import dev.lifeboat.runtime.serializer.Serializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The bytes of a block of records (a shuffle block, a checkpoint part, a local block):
 *
 * <pre>
 * codec u8 (0 = raw, 1 = zstd) | [zstd: raw length i32] | payload
 * payload = (1 u8, record)* 0 u8          records written by the {@link Serializer}
 * </pre>
 *
 * The codec byte makes blocks self-describing, so a reader never depends on the writer's
 * compression setting.
 */
public final class RecordCodec {
    private static final byte RAW = 0;
    private static final byte ZSTD = 1;

    private final Serializer serializer;
    private final boolean compress;
    private final int level;

    public RecordCodec(Serializer serializer, boolean compress, int level) {
        this.serializer = requireNonNull(serializer, "serializer is null");
        this.compress = compress;
        this.level = level;
        if (compress) {
            try {
                Zstd.compress(new byte[0], level);
            } catch (LinkageError e) {
                throw new IllegalStateException(
                        "zstd compression is on but zstd-jni cannot load its native library (" + e
                                + "); set lifeboat.shuffle.compress and lifeboat.checkpoint.compress to false",
                        e);
            }
        }
    }

    public Serializer serializer() {
        return serializer;
    }

    public byte[] encode(Iterator<?> records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(RAW);
        while (records.hasNext()) {
            out.writeByte(1);
            serializer.write(out, records.next());
        }
        out.writeByte(0);
        out.flush();
        byte[] raw = bytes.toByteArray();
        if (!compress) {
            return raw;
        }
        byte[] packed = Zstd.compress(Arrays.copyOfRange(raw, 1, raw.length), level);
        return ByteBuffer.allocate(1 + 4 + packed.length)
                .put(ZSTD)
                .putInt(raw.length - 1)
                .put(packed)
                .array();
    }

    /**
     * Decodes a block of records.
     *
     * @param what what the block is, for error messages
     * @throws SerializationException if the bytes are not a block of records
     */
    public List<Object> decode(byte[] block, String what) throws IOException {
        if (block.length == 0) {
            throw new SerializationException(what + " is empty: not a block of records");
        }
        byte[] payload;
        int from;
        if (block[0] == RAW) {
            payload = block;
            from = 1;
        } else if (block[0] == ZSTD && block.length >= 5) {
            int rawLength = ByteBuffer.wrap(block, 1, 4).getInt();
            try {
                payload = Zstd.decompress(Arrays.copyOfRange(block, 5, block.length), rawLength);
            } catch (RuntimeException e) {
                throw new SerializationException(what + " does not decompress: " + e.getMessage(), e);
            }
            from = 0;
        } else {
            throw new SerializationException(what + " has unknown codec " + block[0]);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload, from, payload.length - from));
        List<Object> records = new ArrayList<>();
        try {
            while (in.readByte() == 1) {
                records.add(serializer.read(in));
            }
        } catch (java.io.EOFException e) {
            throw new SerializationException(what + " ends in the middle of a record", e);
        }
        return records;
    }
}

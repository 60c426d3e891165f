package dev.lifeboat.backend.common.checkpoint;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The checkpoint manifest format, shared by every byte-storing backend. Plain UTF-8 text so an
 * operator can read it, sealed by a CRC32C over everything before the last line:
 *
 * <pre>
 * lifeboat-checkpoint v1
 * id state/op-0/v-42
 * epoch 7
 * attempt 5f0c...
 * committed-at 1764000000000
 * part 1a2b3c4d 1048576 part-0
 * crc 9f8e7d6c
 * </pre>
 *
 * Part names come last on their line, so they may contain spaces (never line breaks: names
 * reject control characters).
 */
public final class ManifestCodec {
    private static final String HEADER = "lifeboat-checkpoint v1";

    private ManifestCodec() {}

    public static byte[] encode(CheckpointInfo info) {
        StringBuilder b = new StringBuilder();
        b.append(HEADER).append('\n');
        b.append("id ").append(info.id().value()).append('\n');
        b.append("epoch ").append(info.epoch()).append('\n');
        b.append("attempt ").append(info.attemptId()).append('\n');
        b.append("committed-at ").append(info.committedAtMillis()).append('\n');
        for (PartInfo p : info.parts()) {
            b.append("part ")
                    .append(String.format("%08x", p.crc32c()))
                    .append(' ')
                    .append(p.length())
                    .append(' ')
                    .append(p.name())
                    .append('\n');
        }
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] tail = String.format("crc %08x%n", (int) crc.getValue())
                .replace(System.lineSeparator(), "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + tail.length];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(tail, 0, out, body.length, tail.length);
        return out;
    }

    /**
     * Decodes and verifies the manifest stored as {@code id}'s, and checks that it names {@code id}.
     *
     * @param location where the manifest was read from, for messages
     * @throws CorruptDataException if the bytes are not an intact manifest, or the manifest of
     *     another checkpoint
     */
    public static CheckpointInfo decode(CheckpointId id, byte[] bytes, String location) throws CorruptDataException {
        CheckpointInfo info = decode(bytes, location);
        if (!info.id().equals(id)) {
            throw new CorruptDataException(
                    location, -1, "manifest names checkpoint '" + info.id() + "' but is stored as '" + id + "'");
        }
        return info;
    }

    /**
     * The attempt an intact manifest names; empty if the bytes are not one (a store deleting such a
     * checkpoint leaves its parts to garbage collection).
     *
     * @param location where the manifest was read from
     */
    public static Optional<String> attemptIdIfIntact(byte[] bytes, String location) {
        try {
            return Optional.of(decode(bytes, location).attemptId());
        } catch (CorruptDataException e) {
            return Optional.empty();
        }
    }

    /**
     * Decodes and verifies a manifest written by {@link #encode}.
     *
     * @param location where the manifest was read from, for messages
     * @throws CorruptDataException if the bytes are not an intact manifest
     */
    public static CheckpointInfo decode(byte[] bytes, String location) throws CorruptDataException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int crcLine = text.lastIndexOf("crc ");
        if (!text.startsWith(HEADER + "\n") || crcLine < 0 || !text.endsWith("\n")) {
            throw new CorruptDataException(location, 0, "not a Lifeboat checkpoint manifest (bad header or trailer)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, text.substring(0, crcLine).getBytes(StandardCharsets.UTF_8).length);
        try {
            int stored = Integer.parseUnsignedInt(
                    text.substring(crcLine + 4, text.length() - 1).trim(), 16);
            if (stored != (int) crc.getValue()) {
                throw new CorruptDataException(location, crcLine, "manifest CRC32C mismatch");
            }
            String[] lines = text.substring(0, crcLine - 1).split("\n", -1); // the body ends with a newline
            CheckpointId id = null;
            long epoch = -1;
            String attempt = null;
            long committedAt = -1;
            List<PartInfo> parts = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                int space = line.indexOf(' ');
                String key = space < 0 ? line : line.substring(0, space);
                String value = space < 0 ? "" : line.substring(space + 1);
                switch (key) {
                    case "id" -> id = CheckpointId.of(value);
                    case "epoch" -> epoch = Long.parseLong(value);
                    case "attempt" -> attempt = value;
                    case "committed-at" -> committedAt = Long.parseLong(value);
                    case "part" -> {
                        String[] f = value.split(" ", 3);
                        parts.add(new PartInfo(f[2], Long.parseLong(f[1]), Integer.parseUnsignedInt(f[0], 16)));
                    }
                    default -> throw new CorruptDataException(location, -1, "unknown manifest line '" + key + "'");
                }
            }
            if (id == null || epoch < 0 || attempt == null || committedAt < 0) {
                throw new CorruptDataException(location, -1, "manifest lacks id, epoch, attempt or committed-at");
            }
            return new CheckpointInfo(id, epoch, attempt, committedAt, parts);
        } catch (RuntimeException e) {
            throw new CorruptDataException(location, -1, "unreadable manifest: " + e.getMessage(), e);
        }
    }
}

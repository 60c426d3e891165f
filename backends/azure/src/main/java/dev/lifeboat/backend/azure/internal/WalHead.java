package dev.lifeboat.backend.azure.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The write-ahead log's head blob: the writer generation, the newest segment and the LSN below
 * which every record is known to be persisted, sealed with a CRC32C so that no writer acts on a
 * damaged head. Text, readable by an operator:
 *
 * <pre>
 * lifeboat-wal-head v2
 * generation 7
 * newest-segment wal/segments/00000000000000001200-0000000007
 * persisted-end 1200
 * crc 1a2b3c4d
 * </pre>
 *
 * A head of the first format ({@code lifeboat-wal generation N}) reads as generation {@code N}
 * with no newest segment and nothing known persisted; the next writer rewrites it in this format.
 *
 * @param newestSegment the newest segment a writer created, if one did since the head had this format
 * @param persistedEnd every record below this LSN was persisted when the head was written
 */
record WalHead(long generation, Optional<String> newestSegment, long persistedEnd) {
    private static final String V1 = "lifeboat-wal generation ";
    private static final String V2 = "lifeboat-wal-head v2\n";

    WalHead {
        requireNonNull(newestSegment, "newestSegment is null");
        if (generation < 0 || persistedEnd < 0) {
            throw new IllegalArgumentException(
                    "generation " + generation + " and persisted end " + persistedEnd + " must not be negative");
        }
    }

    /** The same head with a newer generation, for a writer that opens. */
    WalHead nextGeneration() {
        return new WalHead(generation + 1, newestSegment, persistedEnd);
    }

    byte[] encode() {
        String body = V2 + "generation " + generation + "\nnewest-segment " + newestSegment.orElse("-")
                + "\npersisted-end " + persistedEnd + "\n";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(b);
        return (body + String.format("crc %08x%n", (int) crc.getValue())).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param where names the head in errors
     * @throws CorruptDataException if the bytes are not an intact head of either format
     */
    static WalHead decode(byte[] bytes, String where) throws CorruptDataException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith(V1)) {
            try {
                return new WalHead(Long.parseLong(text.substring(V1.length()).trim()), Optional.empty(), 0);
            } catch (RuntimeException e) {
                throw new CorruptDataException(where, 0, "unreadable generation in a first-format head", e);
            }
        }
        int crcAt = text.lastIndexOf("crc ");
        if (!text.startsWith(V2) || crcAt < 0 || !text.endsWith("\n")) {
            throw new CorruptDataException(where, 0, "not a Lifeboat write-ahead log head");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, text.substring(0, crcAt).getBytes(StandardCharsets.UTF_8).length);
        try {
            int stored = Integer.parseUnsignedInt(
                    text.substring(crcAt + 4, text.length() - 1).trim(), 16);
            if (stored != (int) crc.getValue()) {
                throw new CorruptDataException(where, crcAt, "head CRC32C mismatch: the head is damaged");
            }
            String[] lines = text.substring(V2.length(), crcAt).split("\n", -1);
            long generation = Long.parseLong(value(lines[0], "generation"));
            String newest = value(lines[1], "newest-segment");
            long end = Long.parseLong(value(lines[2], "persisted-end"));
            return new WalHead(generation, newest.equals("-") ? Optional.empty() : Optional.of(newest), end);
        } catch (RuntimeException e) {
            throw new CorruptDataException(where, 0, "unreadable head: " + e.getMessage(), e);
        }
    }

    private static String value(String line, String key) {
        if (!line.startsWith(key + " ")) {
            throw new IllegalArgumentException("expected '" + key + "', found '" + line + "'");
        }
        return line.substring(key.length() + 1);
    }
}

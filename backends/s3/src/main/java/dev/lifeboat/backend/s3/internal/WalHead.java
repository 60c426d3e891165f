package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.spi.CorruptDataException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The head object of a write-ahead log ({@code wal/head}): the writer's lease and the log's
 * bounds, as text an operator can read, sealed by a CRC32C (the records' checksum) over every
 * line before the last:
 *
 * <pre>
 * lifeboat-s3-wal v2
 * epoch 7
 * writer 00ff00ff00ff00ff
 * low-lsn 1234
 * end-lsn 5678
 * heartbeat 9
 * state open
 * crc 1a2b3c4d
 * </pre>
 *
 * Every read verifies the checksum: a damaged head is {@link CorruptDataException}, never acted
 * on. The earlier format ({@code v1}, without {@code end-lsn} and {@code crc}) is still read, with
 * {@link #checked()} false: its low LSN must be verified against the batch objects before
 * anything acts on it, and the next writer rewrites it in this format.
 *
 * @param epoch grows by one with every writer that opens the log
 * @param writerId the random id of the writer that opened it last
 * @param lowLsn the first LSN not truncated
 * @param endLsn every record below this LSN was persisted (a lower bound of the log's end, kept
 *     by the writer's lease renewals and its clean close; 0 when not known)
 * @param heartbeat grows with every renewal of the writer's lease, so the ETag changes too
 * @param open whether that writer still holds the log (false once it closed cleanly)
 * @param checked whether the head was sealed by a checksum (false only for the earlier format)
 */
record WalHead(long epoch, String writerId, long lowLsn, long endLsn, long heartbeat, boolean open, boolean checked) {
    private static final String MAGIC = "lifeboat-s3-wal v";
    private static final String V1 = MAGIC + "1\n";
    private static final String V2 = MAGIC + "2\n";

    /** The head of a writer that just took the lease. */
    static WalHead opened(long epoch, String writerId, long lowLsn, long endLsn) {
        return new WalHead(epoch, writerId, lowLsn, endLsn, 0, true, true);
    }

    WalHead withLow(long low) {
        return new WalHead(epoch, writerId, low, Math.max(endLsn, low), heartbeat + 1, open, true);
    }

    /** A renewal of the lease, recording that the log reaches at least {@code end}. */
    WalHead renewed(long end) {
        return new WalHead(epoch, writerId, lowLsn, Math.max(endLsn, end), heartbeat + 1, open, true);
    }

    /** The lease given up by a clean close, recording that the log reaches at least {@code end}. */
    WalHead released(long end) {
        return new WalHead(epoch, writerId, lowLsn, Math.max(endLsn, end), heartbeat + 1, false, true);
    }

    /** The end lowered to {@code end}: a writer cut records off a torn tail, and reported it. */
    WalHead cutTo(long end) {
        return new WalHead(epoch, writerId, lowLsn, Math.min(endLsn, end), heartbeat + 1, open, true);
    }

    byte[] encode() {
        byte[] body = (V2 + "epoch " + epoch + "\nwriter " + writerId + "\nlow-lsn " + lowLsn + "\nend-lsn " + endLsn
                        + "\nheartbeat " + heartbeat + "\nstate " + (open ? "open" : "closed") + "\n")
                .getBytes(StandardCharsets.UTF_8);
        String seal = String.format("crc %08x\n", RecordFrame.payloadCrc(ByteBuffer.wrap(body)));
        byte[] out = new byte[body.length + seal.length()];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(seal.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, seal.length());
        return out;
    }

    /**
     * Decodes and verifies a head.
     *
     * @param location named in errors
     * @throws CorruptDataException if the head is damaged (checksum, syntax) or of an unknown version
     */
    static WalHead decode(byte[] bytes, String location) throws CorruptDataException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith(V2)) {
            int seal = text.lastIndexOf("\ncrc ") + 1;
            if (seal <= 0 || !text.endsWith("\n")) {
                throw new CorruptDataException(location, 0, "write-ahead log head without its checksum line");
            }
            String hex = text.substring(seal + 4, text.length() - 1);
            if (!hex.matches("[0-9a-f]{8}")) { // exactly as written: no other spelling of the same number
                throw new CorruptDataException(location, seal, "unreadable checksum of the write-ahead log head");
            }
            int stored = Integer.parseUnsignedInt(hex, 16);
            int bodyBytes = text.substring(0, seal).getBytes(StandardCharsets.UTF_8).length;
            int computed = RecordFrame.payloadCrc(ByteBuffer.wrap(bytes, 0, bodyBytes));
            if (stored != computed) {
                throw new CorruptDataException(
                        location,
                        seal,
                        String.format(
                                "write-ahead log head CRC32C mismatch"
                                        + " (stored %08x, computed %08x): the head is damaged and is not acted on",
                                stored, computed));
            }
            String[] f = fields(
                    text.substring(0, seal), location, "epoch", "writer", "low-lsn", "end-lsn", "heartbeat", "state");
            return new WalHead(
                    number(f[0], location),
                    f[1],
                    number(f[2], location),
                    number(f[3], location),
                    number(f[4], location),
                    state(f[5], location),
                    true);
        }
        if (text.startsWith(V1)) {
            String[] f = fields(text, location, "epoch", "writer", "low-lsn", "heartbeat", "state");
            return new WalHead(
                    number(f[0], location),
                    f[1],
                    number(f[2], location),
                    0,
                    number(f[3], location),
                    state(f[4], location),
                    false);
        }
        if (text.startsWith(MAGIC)) {
            String version = text.substring(MAGIC.length(), Math.max(MAGIC.length(), text.indexOf('\n')));
            throw new CorruptDataException(
                    location,
                    0,
                    "write-ahead log head of unknown format version '" + version + "' (written by a newer Lifeboat?)");
        }
        throw new CorruptDataException(location, 0, "not a Lifeboat S3 write-ahead log head");
    }

    /** The values of the lines after the first, which must be exactly {@code names}, in order. */
    private static String[] fields(String text, String location, String... names) throws CorruptDataException {
        String[] lines = text.split("\n", -1);
        if (lines.length != names.length + 2 || !lines[names.length + 1].isEmpty()) {
            throw new CorruptDataException(
                    location,
                    0,
                    "write-ahead log head with " + (lines.length - 2) + " fields, expected " + names.length);
        }
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            String prefix = names[i] + " ";
            if (!lines[i + 1].startsWith(prefix)) {
                throw new CorruptDataException(
                        location, 0, "write-ahead log head line " + (i + 2) + " is not '" + names[i] + "'");
            }
            values[i] = lines[i + 1].substring(prefix.length());
        }
        return values;
    }

    private static long number(String value, String location) throws CorruptDataException {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException("negative: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CorruptDataException(location, 0, "unreadable write-ahead log head: " + e.getMessage(), e);
        }
    }

    private static boolean state(String value, String location) throws CorruptDataException {
        if (!value.equals("open") && !value.equals("closed")) {
            throw new CorruptDataException(location, 0, "write-ahead log head has the unknown state '" + value + "'");
        }
        return value.equals("open");
    }
}

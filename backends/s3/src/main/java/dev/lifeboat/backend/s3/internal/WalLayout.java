package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where a write-ahead log keeps what, relative to its location, and the two small text formats
 * it owns:
 *
 * <pre>
 * wal/head                        the writer's lease (epoch, writer id, heartbeat, open/closed) and
 *                                  the low LSN; replaced only with If-Match (CAS)
 * wal/segments/&lt;first LSN, 20 digits&gt;   one immutable object per persisted batch (RecordFrame
 *                                  frames), created with If-None-Match: *, or a claim marker
 * </pre>
 *
 * A segment's name is the LSN of its first record, so the name of the next segment follows from
 * the records of this one: recovery walks the chain with GETs and needs LIST only as a hint. A
 * claim marker ({@code lifeboat-wal-claim ...}) is what a newly opened writer puts at the LSN
 * where the log ends: the previous writer's next conditional PUT fails on it, which fences it.
 */
final class WalLayout {
    static final String HEAD = "wal/head";
    static final String SEGMENTS = "wal/segments/";
    static final int NAME_DIGITS = 20;

    private static final String HEAD_MAGIC = "lifeboat-s3-wal v1\n";
    private static final String CLAIM_MAGIC = "lifeboat-wal-claim v1 ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WalLayout() {}

    static String segmentName(long firstLsn) {
        return SEGMENTS + String.format("%0" + NAME_DIGITS + "d", firstLsn);
    }

    /** The first LSN a segment's relative name stands for, or empty if it is no segment name. */
    static Optional<Long> parseSegmentName(String relative) {
        if (!relative.startsWith(SEGMENTS) || relative.length() != SEGMENTS.length() + NAME_DIGITS) {
            return Optional.empty();
        }
        String digits = relative.substring(SEGMENTS.length());
        if (!digits.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static String newWriterId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The head object: the writer's lease and the log's low-water mark.
     *
     * @param epoch grows by one with every writer that opens the log
     * @param writerId the random id of the writer that opened it last
     * @param lowLsn the first LSN not truncated
     * @param heartbeat grows with every renewal of the writer's lease, so the ETag changes too
     * @param open whether that writer still holds the log (false once it closed cleanly)
     */
    record Head(long epoch, String writerId, long lowLsn, long heartbeat, boolean open) {
        Head withLow(long low) {
            return new Head(epoch, writerId, low, heartbeat + 1, open);
        }

        Head renewed() {
            return new Head(epoch, writerId, lowLsn, heartbeat + 1, open);
        }

        Head released() {
            return new Head(epoch, writerId, lowLsn, heartbeat + 1, false);
        }

        byte[] encode() {
            return (HEAD_MAGIC + "epoch " + epoch + "\nwriter " + writerId + "\nlow-lsn " + lowLsn + "\nheartbeat "
                    + heartbeat + "\nstate " + (open ? "open" : "closed") + "\n").getBytes(StandardCharsets.UTF_8);
        }

        static Head decode(byte[] bytes, String location) throws CorruptDataException {
            String text = new String(bytes, StandardCharsets.UTF_8);
            String[] lines = text.split("\n");
            if (!text.startsWith(HEAD_MAGIC) || lines.length != 6 || !lines[1].startsWith("epoch ")
                    || !lines[2].startsWith("writer ") || !lines[3].startsWith("low-lsn ")
                    || !lines[4].startsWith("heartbeat ") || !lines[5].startsWith("state ")) {
                throw new CorruptDataException(location, 0, "not a Lifeboat S3 write-ahead log head");
            }
            String state = lines[5].substring(6);
            if (!state.equals("open") && !state.equals("closed")) {
                throw new CorruptDataException(location, 0, "write-ahead log head has the unknown state '" + state + "'");
            }
            try {
                return new Head(Long.parseLong(lines[1].substring(6)), lines[2].substring(7),
                        Long.parseLong(lines[3].substring(8)), Long.parseLong(lines[4].substring(10)),
                        state.equals("open"));
            } catch (NumberFormatException e) {
                throw new CorruptDataException(location, 0, "unreadable write-ahead log head: " + e.getMessage(), e);
            }
        }
    }

    /** A claim marker: the writer of {@code epoch} owns the log from the LSN it is stored at. */
    record Claim(long epoch, String writerId) {
        byte[] encode() {
            return (CLAIM_MAGIC + "epoch=" + epoch + " writer=" + writerId + "\n").getBytes(StandardCharsets.UTF_8);
        }

        /** The claim in {@code bytes}, or empty if they are not a claim marker (segment data). */
        static Optional<Claim> decode(byte[] bytes) {
            byte[] magic = CLAIM_MAGIC.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < magic.length || bytes.length > 256) {
                return Optional.empty();
            }
            for (int i = 0; i < magic.length; i++) {
                if (bytes[i] != magic[i]) {
                    return Optional.empty();
                }
            }
            String[] fields = new String(bytes, StandardCharsets.UTF_8).trim().split(" ");
            try {
                return Optional.of(new Claim(Long.parseLong(fields[2].substring("epoch=".length())),
                        fields[3].substring("writer=".length())));
            } catch (RuntimeException e) {
                return Optional.of(new Claim(0, "unreadable")); // damaged: any writer may replace it
            }
        }
    }
}

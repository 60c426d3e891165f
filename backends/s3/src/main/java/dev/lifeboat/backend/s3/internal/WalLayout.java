package dev.lifeboat.backend.s3.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where a write-ahead log keeps what, relative to its location, and the claim marker's small text
 * format (the head's is {@link WalHead}):
 *
 * <pre>
 * wal/head                        the writer's lease (epoch, writer id, heartbeat, open/closed) and
 *                                  the log's bounds, sealed by a CRC32C ({@link WalHead}); replaced
 *                                  only with If-Match (CAS)
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
            String[] fields = new String(bytes, StandardCharsets.UTF_8).trim().split(" ", -1);
            try {
                return Optional.of(new Claim(
                        Long.parseLong(fields[2].substring("epoch=".length())),
                        fields[3].substring("writer=".length())));
            } catch (RuntimeException e) {
                return Optional.of(new Claim(0, "unreadable")); // damaged: any writer may replace it
            }
        }
    }
}

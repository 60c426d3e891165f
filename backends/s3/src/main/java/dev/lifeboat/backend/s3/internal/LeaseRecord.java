package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;

/**
 * The lease object of an election group, as text:
 *
 * <pre>
 * lifeboat-lease v1
 * epoch 7
 * holder driver-a          (empty when released)
 * session 3f9c...          (the holder's random session id)
 * renewal 12               (changes with every renewal, so the ETag does too)
 * </pre>
 *
 * @param epoch the epoch of the current (or last) leadership; only grows
 * @param holder the leader's participant id, or empty if the lease was released
 * @param session the leader's session id, or empty if released
 * @param renewal how often this leadership renewed the lease
 */
record LeaseRecord(long epoch, String holder, String session, long renewal) {
    private static final String HEADER = "lifeboat-lease v1";

    LeaseRecord {
        requireNonNull(holder, "holder is null");
        requireNonNull(session, "session is null");
    }

    boolean released() {
        return holder.isEmpty();
    }

    byte[] encode() {
        return (HEADER + "\nepoch " + epoch + "\nholder " + holder + "\nsession " + session + "\nrenewal " + renewal
                        + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static LeaseRecord decode(byte[] bytes, String location) throws CorruptDataException {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 6
                || !lines[0].equals(HEADER)
                || !lines[1].startsWith("epoch ")
                || !lines[2].startsWith("holder ")
                || !lines[3].startsWith("session ")
                || !lines[4].startsWith("renewal ")
                || !lines[5].isEmpty()) {
            throw new CorruptDataException(location, 0, "not a Lifeboat lease");
        }
        try {
            return new LeaseRecord(
                    Long.parseLong(lines[1].substring(6)),
                    lines[2].substring(7),
                    lines[3].substring(8),
                    Long.parseLong(lines[4].substring(8)));
        } catch (NumberFormatException e) {
            throw new CorruptDataException(location, 0, "unreadable lease: " + e.getMessage(), e);
        }
    }
}

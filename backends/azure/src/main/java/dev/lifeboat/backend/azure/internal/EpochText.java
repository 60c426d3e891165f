package dev.lifeboat.backend.azure.internal;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;

/** An epoch stored as a blob: {@code lifeboat-epoch <decimal>\n}, readable by an operator. */
public final class EpochText {
    private static final String HEADER = "lifeboat-epoch ";

    private EpochText() {}

    public static byte[] encode(long epoch) {
        return (HEADER + epoch + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static long decode(byte[] bytes, String location) throws CorruptDataException {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (!s.startsWith(HEADER) || !s.endsWith("\n")) {
            throw new CorruptDataException(location, 0, "not a Lifeboat epoch blob");
        }
        try {
            long epoch = Long.parseLong(s.substring(HEADER.length(), s.length() - 1));
            if (epoch < 0) {
                throw new NumberFormatException("negative");
            }
            return epoch;
        } catch (NumberFormatException e) {
            throw new CorruptDataException(location, HEADER.length(), "unreadable epoch: " + e.getMessage(), e);
        }
    }
}

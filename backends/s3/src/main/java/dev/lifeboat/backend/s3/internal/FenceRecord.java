package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;

/** The text of the checkpoint store's epoch object: {@code lifeboat-checkpoint-epoch v1\n<epoch>\n}. */
final class EpochRecord {
    private static final String HEADER = "lifeboat-checkpoint-epoch v1\n";

    private EpochRecord() {}

    static byte[] encode(long epoch) {
        return (HEADER + epoch + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static long decode(byte[] bytes, String location) throws CorruptDataException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.startsWith(HEADER) || !text.endsWith("\n")) {
            throw new CorruptDataException(location, 0, "not a Lifeboat checkpoint epoch record");
        }
        try {
            long epoch = Long.parseLong(text.substring(HEADER.length(), text.length() - 1));
            if (epoch < 0) {
                throw new NumberFormatException("negative");
            }
            return epoch;
        } catch (NumberFormatException e) {
            throw new CorruptDataException(location, HEADER.length(), "bad epoch: " + e.getMessage(), e);
        }
    }
}

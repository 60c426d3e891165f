package dev.lifeboat.backend.azure.internal;

import dev.lifeboat.spi.CorruptDataException;
import java.nio.charset.StandardCharsets;

/**
 * The content of an election's lease blob: the epoch of the latest leadership and who holds it,
 * {@code lifeboat-election v1\nepoch <n>\nleader <id>\n} ({@code leader -} before the first).
 *
 * @param epoch the latest leadership's epoch, 0 before the first
 * @param leader its participant, {@code -} before the first
 */
public record ElectionRecord(long epoch, String leader) {
    private static final String HEADER = "lifeboat-election v1\n";

    public byte[] encode() {
        return (HEADER + "epoch " + epoch + "\nleader " + leader + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static ElectionRecord decode(byte[] bytes, String location) throws CorruptDataException {
        String s = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = s.split("\n", -1);
        if (!s.startsWith(HEADER)
                || lines.length != 4
                || !lines[3].isEmpty()
                || !lines[1].startsWith("epoch ")
                || !lines[2].startsWith("leader ")) {
            throw new CorruptDataException(location, 0, "not a Lifeboat election record");
        }
        try {
            long epoch = Long.parseLong(lines[1].substring(6));
            if (epoch < 0) {
                throw new NumberFormatException("negative epoch");
            }
            return new ElectionRecord(epoch, lines[2].substring(7));
        } catch (NumberFormatException e) {
            throw new CorruptDataException(location, HEADER.length(), "unreadable epoch: " + e.getMessage(), e);
        }
    }
}

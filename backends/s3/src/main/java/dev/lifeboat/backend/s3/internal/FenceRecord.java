package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.backend.common.objectstore.CheckpointKeys;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint store's fence object: the highest epoch that registered a commit, and the
 * commits registered under that epoch that may still be in flight (their manifest PUT not known
 * to have ended). Text:
 *
 * <pre>
 * lifeboat-checkpoint-fence v1
 * epoch &lt;epoch&gt;
 * pending &lt;epoch&gt; &lt;attempt id&gt; &lt;url-encoded checkpoint id&gt;
 * ...
 * </pre>
 *
 * The format of earlier versions ({@code lifeboat-checkpoint-epoch v1\n<epoch>\n}) is read as an
 * epoch with nothing pending.
 *
 * @param epoch the highest epoch that registered a commit; 0 if none did
 * @param pending commits that registered and may not have ended
 */
record FenceRecord(long epoch, List<Pending> pending) {
    private static final String HEADER = "lifeboat-checkpoint-fence v1\n";
    private static final String OLD_HEADER = "lifeboat-checkpoint-epoch v1\n";

    /** A registered commit: its epoch, attempt and checkpoint id. */
    record Pending(long epoch, String attemptId, CheckpointId id) {}

    static final FenceRecord NONE = new FenceRecord(0, List.of());

    FenceRecord {
        pending = List.copyOf(pending);
    }

    byte[] encode() {
        StringBuilder b =
                new StringBuilder(HEADER).append("epoch ").append(epoch).append('\n');
        for (Pending p : pending) {
            b.append("pending ")
                    .append(p.epoch())
                    .append(' ')
                    .append(p.attemptId())
                    .append(' ')
                    .append(CheckpointKeys.encodeId(p.id()))
                    .append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static FenceRecord decode(byte[] bytes, String location) throws CorruptDataException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            if (text.startsWith(OLD_HEADER) && text.endsWith("\n")) {
                return new FenceRecord(epoch(text.substring(OLD_HEADER.length(), text.length() - 1)), List.of());
            }
            if (!text.startsWith(HEADER) || !text.endsWith("\n")) {
                throw new CorruptDataException(location, 0, "not a Lifeboat checkpoint fence record");
            }
            String[] lines = text.substring(HEADER.length(), text.length() - 1).split("\n", -1);
            if (!lines[0].startsWith("epoch ")) {
                throw new CorruptDataException(location, HEADER.length(), "no epoch line");
            }
            long epoch = epoch(lines[0].substring("epoch ".length()));
            List<Pending> pending = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                String[] w = line.split(" ", -1);
                if (w.length != 4 || !w[0].equals("pending")) {
                    throw new CorruptDataException(location, -1, "bad line " + (i + 2) + ": '" + line + "'");
                }
                CheckpointId id = CheckpointKeys.decodeId(w[3])
                        .orElseThrow(() ->
                                new CorruptDataException(location, -1, "bad checkpoint id in line '" + line + "'"));
                pending.add(new Pending(epoch(w[1]), w[2], id));
            }
            return new FenceRecord(epoch, pending);
        } catch (NumberFormatException e) {
            throw new CorruptDataException(location, -1, "bad epoch: " + e.getMessage(), e);
        }
    }

    private static long epoch(String s) {
        long epoch = Long.parseLong(s);
        if (epoch < 0) {
            throw new NumberFormatException("negative: " + s);
        }
        return epoch;
    }

    /** Whether {@code attemptId} is registered. */
    boolean isPending(String attemptId) {
        return pending.stream().anyMatch(p -> p.attemptId().equals(attemptId));
    }
}

package dev.lifeboat.spi.checkpoint;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The manifest of a committed checkpoint.
 *
 * @param id the checkpoint
 * @param epoch the leader epoch of the writer that committed it ({@code 0}: not fenced)
 * @param attemptId the unique id of the attempt whose parts were committed
 * @param committedAtMillis when it was committed, by the writer's clock (informational)
 * @param parts the parts in the order they were written
 */
public record CheckpointInfo(
        CheckpointId id, long epoch, String attemptId, long committedAtMillis, List<PartInfo> parts) {
    public CheckpointInfo {
        requireNonNull(id, "id is null");
        requireNonNull(attemptId, "attemptId is null");
        parts = List.copyOf(requireNonNull(parts, "parts is null"));
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch is negative: " + epoch);
        }
    }

    public Optional<PartInfo> part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Total bytes of all parts. */
    public long totalBytes() {
        return parts.stream().mapToLong(PartInfo::length).sum();
    }
}

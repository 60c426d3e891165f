package dev.lifeboat.runtime.internal.executor;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.internal.io.RecordCodec;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every executor shares with the driver in this JVM.
 *
 * @param shuffleRoot the shuffle store root; executor {@code n} opens {@code <root>/executor-<n>}
 * @param shuffleOptions options for the shuffle store
 * @param shuffleCodec encodes shuffle blocks
 * @param checkpointCodec encodes checkpoint parts and local blocks
 * @param blocks finds blocks on other executors
 * @param checkpointStore the reliable checkpoint store, if configured
 * @param faults injected faults
 * @param cores tasks one executor runs at once
 * @param heartbeatInterval how often executors heartbeat
 * @param timer runs heartbeats
 */
public record ExecutorEnvironment(
        URI shuffleRoot,
        Map<String, String> shuffleOptions,
        RecordCodec shuffleCodec,
        RecordCodec checkpointCodec,
        BlockSource blocks,
        Optional<CheckpointStore> checkpointStore,
        FaultHooks faults,
        int cores,
        Duration heartbeatInterval,
        ScheduledExecutorService timer) {
    public ExecutorEnvironment {
        requireNonNull(shuffleRoot, "shuffleRoot is null");
        shuffleOptions = Map.copyOf(shuffleOptions);
        requireNonNull(shuffleCodec, "shuffleCodec is null");
        requireNonNull(checkpointCodec, "checkpointCodec is null");
        requireNonNull(blocks, "blocks is null");
        requireNonNull(checkpointStore, "checkpointStore is null");
        requireNonNull(faults, "faults is null");
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(timer, "timer is null");
    }

    /** {@code <root>/executor-<id>}. */
    public URI shuffleUri(int executorId) {
        String root = shuffleRoot.toString();
        return URI.create((root.endsWith("/") ? root : root + "/") + "executor-" + executorId);
    }
}

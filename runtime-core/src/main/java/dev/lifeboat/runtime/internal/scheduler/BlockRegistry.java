package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.runtime.CheckpointUnavailableException;
import dev.lifeboat.runtime.internal.executor.BlockSource;
import dev.lifeboat.runtime.internal.executor.BlockUpdate;
import dev.lifeboat.runtime.internal.executor.Executor;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * The driver's record of which executor holds which block (partitions kept for checkpoints), and
 * why a block is gone when it is. Thread-safe.
 */
public final class BlockRegistry implements BlockSource {
    private final Map<String, Integer> locations = new ConcurrentHashMap<>();
    private final Map<String, String> lost = new ConcurrentHashMap<>();
    private final IntFunction<Optional<Executor>> executors;

    public BlockRegistry(IntFunction<Optional<Executor>> executors) {
        this.executors = executors;
    }

    void add(int executorId, BlockUpdate update) {
        locations.put(update.key(), executorId);
        lost.remove(update.key());
    }

    /** The executor that holds a block, if it is alive and holds it. */
    Optional<Integer> location(String key) {
        Integer executorId = locations.get(key);
        if (executorId == null) {
            return Optional.empty();
        }
        return executors
                .apply(executorId)
                .filter(Executor::isAlive)
                .flatMap(e -> e.block(key))
                .map(b -> executorId);
    }

    Optional<byte[]> bytes(String key) {
        Integer executorId = locations.get(key);
        return executorId == null
                ? Optional.empty()
                : executors.apply(executorId).flatMap(e -> e.block(key));
    }

    void remove(String key) {
        Integer executorId = locations.remove(key);
        if (executorId != null) {
            executors.apply(executorId).ifPresent(e -> e.removeBlock(key));
        }
    }

    void executorLost(int executorId, String reason) {
        locations.entrySet().removeIf(e -> {
            if (e.getValue() == executorId) {
                lost.put(e.getKey(), "executor " + executorId + ", which held it, was lost (" + reason + ")");
                return true;
            }
            return false;
        });
    }

    @Override
    public byte[] fetch(String key, String what) {
        Optional<byte[]> bytes = bytes(key);
        if (bytes.isPresent()) {
            return bytes.get();
        }
        Integer holder = locations.get(key);
        String why = lost.getOrDefault(
                key, holder != null ? "executor " + holder + ", which held it, is gone" : "no executor holds it");
        throw new CheckpointUnavailableException("Locally checkpointed block " + key + " (" + what + ") is lost: " + why
                + ". localCheckpoint() keeps partitions only on executors and cuts the lineage, so the partition "
                + "cannot be recomputed. Use checkpoint() with lifeboat.checkpoint.dir set for a checkpoint that "
                + "survives the loss of executors.");
    }
}

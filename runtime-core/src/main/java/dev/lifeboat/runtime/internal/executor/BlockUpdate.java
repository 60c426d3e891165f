package dev.lifeboat.runtime.internal.executor;

/** A task stored partition {@code partition} of node {@code nodeId} as block {@code key} on its executor. */
public record BlockUpdate(int nodeId, int partition, String key, long bytes) {
    public static String key(int nodeId, int partition) {
        return "rdd_" + nodeId + "_" + partition;
    }
}

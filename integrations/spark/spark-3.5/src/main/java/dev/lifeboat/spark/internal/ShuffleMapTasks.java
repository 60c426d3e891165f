package dev.lifeboat.spark.internal;

import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The map tasks writing in this JVM, keyed by Spark's map task id (the task attempt id). Spark's
 * sort-based writers hand the map output writer only that id; the shuffle manager records which
 * map partition, stage attempt and task attempt it is before the writer runs, and takes the
 * committed Lifeboat status back after it ran.
 */
public final class ShuffleMapTasks {
    private static final Map<Long, MapOutputId> RUNNING = new ConcurrentHashMap<>();
    private static final Map<Long, MapStatus> COMMITTED = new ConcurrentHashMap<>();

    private ShuffleMapTasks() {}

    /**
     * The Lifeboat id of a map task: one map output per map partition and stage attempt (the first
     * committed task attempt wins, so a speculative copy never replaces the output reducers read),
     * and a fresh one when Spark re-runs the map stage after a fetch failure (the lost output is
     * not reused).
     */
    public static MapOutputId idOf(int shuffleId, int mapIndex, int stageAttempt, int taskAttempt) {
        if (mapIndex < 0 || stageAttempt < 0) {
            throw new IllegalArgumentException("negative map index " + mapIndex + " or stage attempt " + stageAttempt
                    + " of shuffle " + shuffleId);
        }
        return MapOutputId.of(shuffleId, ((long) stageAttempt << 32) | mapIndex, taskAttempt);
    }

    /** The map partition of a Lifeboat map id made by {@link #idOf}. */
    public static int mapIndexOf(long lifeboatMapId) {
        return (int) lifeboatMapId;
    }

    public static void starting(long mapTaskId, MapOutputId id) {
        RUNNING.put(mapTaskId, id);
    }

    static MapOutputId running(int shuffleId, long mapTaskId) {
        MapOutputId id = RUNNING.get(mapTaskId);
        if (id == null || id.shuffleId() != shuffleId) {
            throw new IllegalStateException("map task " + mapTaskId + " of shuffle " + shuffleId
                    + " was not started by " + ShuffleSettings.MANAGER_CLASS + "; set "
                    + ShuffleSettings.SHUFFLE_MANAGER
                    + "=" + ShuffleSettings.MANAGER_CLASS);
        }
        return id;
    }

    static void committed(long mapTaskId, MapStatus status) {
        COMMITTED.put(mapTaskId, status);
    }

    /** Forgets the task; returns its committed status, or {@code null} if it committed none. */
    public static MapStatus finished(long mapTaskId) {
        RUNNING.remove(mapTaskId);
        return COMMITTED.remove(mapTaskId);
    }
}

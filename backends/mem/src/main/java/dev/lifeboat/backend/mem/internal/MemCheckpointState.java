package dev.lifeboat.backend.mem.internal;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.util.HashMap;
import java.util.Map;

/**
 * What a named store knows about its checkpoint attempts beyond their bytes: which checkpoint
 * each attempt writes, when it began, whether it committed, and the highest epoch that ever
 * committed. Guarded by its own monitor, which every commit, delete and garbage collection holds,
 * so put-if-absent and fencing are decided in one step.
 */
public final class MemCheckpointState {
    public static final String PARTS = "checkpoints/parts/";
    public static final String MANIFESTS = "checkpoints/manifests/";

    /** One attempt: the checkpoint it writes, when it began, whether it committed. */
    public static final class Attempt {
        final CheckpointId id;
        final long startNanos;
        boolean committed;

        Attempt(CheckpointId id, long startNanos) {
            this.id = id;
            this.startNanos = startNanos;
        }

        public CheckpointId id() {
            return id;
        }
    }

    /** Live and committed attempts by attempt id; collected and aborted ones are removed. */
    final Map<String, Attempt> attempts = new HashMap<>();

    long maxEpoch;

    /** The attempt id, if it is known (live or committed). */
    public synchronized Attempt attempt(String attemptId) {
        return attempts.get(attemptId);
    }

    static String partName(String attemptId, String part) {
        return PARTS + attemptId + "/" + part;
    }

    static String manifestName(CheckpointId id) {
        return MANIFESTS + id.value();
    }
}

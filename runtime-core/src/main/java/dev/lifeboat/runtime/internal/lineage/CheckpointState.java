package dev.lifeboat.runtime.internal.lineage;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.checkpoint.CheckpointId;

/** Where a node stands with checkpointing. */
public sealed interface CheckpointState {
    /** Whether the lineage is cut: partitions are read from the checkpoint. */
    default boolean isDone() {
        return this instanceof Reliable || this instanceof Local;
    }

    /** Never checkpointed. */
    record None() implements CheckpointState {}

    /** Marked by {@code checkpoint()} or {@code localCheckpoint()}; written after the next job. */
    record Pending(boolean reliable, CheckpointId id) implements CheckpointState {
        public Pending {
            requireNonNull(id, "id is null");
        }
    }

    /** Committed to the checkpoint store: survives executors and engines. */
    record Reliable(CheckpointId id) implements CheckpointState {
        public Reliable {
            requireNonNull(id, "id is null");
        }
    }

    /** Kept as blocks on executors: lost with them, and then lost for good. */
    record Local(CheckpointId id) implements CheckpointState {
        public Local {
            requireNonNull(id, "id is null");
        }
    }
}

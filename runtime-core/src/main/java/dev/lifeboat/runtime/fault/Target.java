package dev.lifeboat.runtime.fault;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.Dataset;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which tasks a fault strikes: the tasks of one stage, or of every stage that computes a dataset
 * (the stage whose narrow chain contains it), optionally only those of one partition.
 *
 * <pre>{@code
 * Target.stage(0).partition(3)          // stage 0, partition 3
 * Target.dataset(pairs)                 // any partition of the stage computing `pairs`
 * }</pre>
 *
 * <p>Stage ids are given in order of creation, parents first: in a fresh engine the first job
 * with one shuffle has map stage 0 and result stage 1.
 *
 * @param stageId the stage, if targeting by stage
 * @param datasetId the dataset, if targeting by dataset
 * @param partition the partition, or empty for any
 */
public record Target(OptionalInt stageId, OptionalInt datasetId, OptionalInt partition) {
    public Target {
        requireNonNull(stageId, "stageId is null");
        requireNonNull(datasetId, "datasetId is null");
        requireNonNull(partition, "partition is null");
        if (stageId.isPresent() == datasetId.isPresent()) {
            throw new IllegalArgumentException("a target names either a stage or a dataset");
        }
        if (stageId.orElse(0) < 0 || partition.orElse(0) < 0) {
            throw new IllegalArgumentException("negative stage " + stageId + " or partition " + partition);
        }
    }

    /** Every task of stage {@code stageId}. */
    public static Target stage(int stageId) {
        return new Target(OptionalInt.of(stageId), OptionalInt.empty(), OptionalInt.empty());
    }

    /** Every task of the stages that compute {@code dataset}. */
    public static Target dataset(Dataset<?> dataset) {
        return new Target(OptionalInt.empty(), OptionalInt.of(dataset.id()), OptionalInt.empty());
    }

    /** The same target, narrowed to one partition. */
    public Target partition(int partition) {
        return new Target(stageId, datasetId, OptionalInt.of(partition));
    }

    /**
     * Whether a task matches.
     *
     * @param pipeline ids of the datasets the task's stage computes
     * @param partition the task's partition, or -1 to match the stage alone
     */
    public boolean matches(int stageId, Set<Integer> pipeline, int partition) {
        boolean stageMatches = this.stageId.isPresent()
                ? this.stageId.getAsInt() == stageId
                : pipeline.contains(this.datasetId.getAsInt());
        return stageMatches && (partition < 0 || this.partition.isEmpty() || this.partition.getAsInt() == partition);
    }

    @Override
    public String toString() {
        return (stageId.isPresent() ? "stage " + stageId.getAsInt() : "dataset " + datasetId.getAsInt())
                + (partition.isPresent() ? " partition " + partition.getAsInt() : "");
    }
}

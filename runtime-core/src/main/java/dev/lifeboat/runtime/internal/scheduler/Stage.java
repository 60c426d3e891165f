package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * A set of tasks that run the same narrow chain of datasets on different partitions: the map
 * side of one shuffle, or the final datasets of a job. Stages split at shuffles.
 */
abstract sealed class Stage permits Stage.ShuffleMap, Stage.Result {
    static final Comparator<Stage> BY_ID = Comparator.comparingInt(s -> s.id);

    final int id;
    /** The last dataset of the chain the stage computes. */
    final Node node;

    final String name;
    private int attempts;
    /** Attempts that failed to fetch their input since the stage last completed. */
    final Set<Integer> fetchFailedAttempts = new HashSet<>();

    Stage(int id, Node node) {
        this.id = id;
        this.node = node;
        this.name = node.operation() + " at " + node.callSite();
    }

    int nextAttempt() {
        return attempts++;
    }

    /** {@code stage 3 (reduceByKey at File.java:42)}. */
    String label() {
        return "stage " + id + " (" + name + ")";
    }

    /** Computes the map outputs of one shuffle. */
    static final class ShuffleMap extends Stage {
        final ShuffleDependency dependency;

        ShuffleMap(int id, ShuffleDependency dependency) {
            super(id, dependency.parent());
            this.dependency = dependency;
        }

        int shuffleId() {
            return dependency.shuffleId();
        }
    }

    /** Computes the partitions an action asked for. */
    static final class Result extends Stage {
        Result(int id, Node node) {
            super(id, node);
        }
    }
}

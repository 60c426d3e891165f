package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.runtime.internal.lineage.Dependency;
import dev.lifeboat.runtime.internal.lineage.NarrowDependency;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
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

    /** The ids of the datasets this stage computes: its node and its narrow ancestors. */
    Set<Integer> pipeline() {
        Set<Integer> ids = new HashSet<>();
        Deque<Node> todo = new ArrayDeque<>(List.of(node));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (ids.add(n.id())) {
                for (Dependency dep : n.dependencies()) {
                    if (dep instanceof NarrowDependency) {
                        todo.push(dep.parent());
                    }
                }
            }
        }
        return ids;
    }

    /** The ids of the shuffles this stage reads: the shuffle dependencies of its narrow chain. */
    Set<Integer> shuffleInputs() {
        Set<Integer> ids = new HashSet<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>(List.of(node));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (visited.add(n)) {
                for (Dependency dep : n.dependencies()) {
                    if (dep instanceof ShuffleDependency shuffle) {
                        ids.add(shuffle.shuffleId());
                    } else {
                        todo.push(dep.parent());
                    }
                }
            }
        }
        return ids;
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

package dev.lifeboat.runtime.internal.executor;

import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import java.util.Iterator;

/** What a task computes: a map output of a shuffle, or a result for the driver. */
public sealed interface Task {
    /** The partition it computes. */
    int partition();

    /** Runs the task on an executor; returns the map status or the result. */
    Object run(TaskContextImpl ctx) throws Exception;

    /** Computes a partition of the shuffle's parent and writes it as one map output. */
    record ShuffleMap(ShuffleDependency dependency, int partition) implements Task {
        @Override
        public Object run(TaskContextImpl ctx) throws Exception {
            return ShuffleWriter.write(dependency, dependency.parent().iterator(partition, ctx), ctx);
        }
    }

    /** Computes a partition of a node and applies the action's function to it. */
    record Result(Node node, int partition, PartitionFunction function) implements Task {
        @Override
        public Object run(TaskContextImpl ctx) throws Exception {
            return function.apply(ctx.info(), node.iterator(partition, ctx));
        }
    }

    /** The per-partition part of an action ({@code collect}, {@code count}, ...). */
    @FunctionalInterface
    interface PartitionFunction {
        Object apply(TaskInfo task, Iterator<Object> records) throws Exception;
    }
}

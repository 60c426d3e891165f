package dev.lifeboat.runtime.internal.lineage;

/**
 * Prints a lineage the way Spark's {@code toDebugString} does: one line per dataset, the partition
 * count where a stage starts, {@code +-} at each shuffle (a stage boundary), {@code |} for narrow
 * parents pipelined in the same stage, and the checkpoint that cuts the lineage.
 *
 * <pre>
 * (4) ShuffledDataset[3] reduceByKey at WordCount.java:20 [hash-partitioned into 4, shuffle 0]
 *  +-(8) MapPartitionsDataset[2] mapToPair at WordCount.java:19
 *     |  MapPartitionsDataset[1] flatMap at WordCount.java:18
 *     |  TextFileDataset[0] textFile at WordCount.java:17
 * </pre>
 */
public final class LineagePrinter {
    private LineagePrinter() {}

    public static String debugString(Node node) {
        StringBuilder out = new StringBuilder();
        stageHead(node, "", "", out);
        return out.toString().stripTrailing();
    }

    private static void stageHead(Node node, String prefix, String indent, StringBuilder out) {
        out.append(prefix)
                .append('(')
                .append(node.numPartitions())
                .append(") ")
                .append(line(node))
                .append('\n');
        parents(node, indent, out);
    }

    private static void parents(Node node, String indent, StringBuilder out) {
        CheckpointState state = node.checkpointState();
        if (state instanceof CheckpointState.Reliable r) {
            out.append(indent)
                    .append(" |  ReliableCheckpoint[")
                    .append(r.id())
                    .append("] read from the checkpoint store; lineage cut\n");
            return;
        }
        if (state instanceof CheckpointState.Local l) {
            out.append(indent)
                    .append(" |  LocalCheckpoint[")
                    .append(l.id())
                    .append("] blocks on executors; lineage cut\n");
            return;
        }
        for (Dependency dep : node.dependencies()) {
            if (dep instanceof NarrowDependency) {
                out.append(indent).append(" |  ").append(line(dep.parent())).append('\n');
                parents(dep.parent(), indent, out);
            } else {
                stageHead(dep.parent(), indent + " +-", indent + "   ", out);
            }
        }
    }

    private static String line(Node node) {
        StringBuilder s = new StringBuilder(node.describe());
        if (node instanceof ShuffledNode shuffled) {
            s.append(" [hash-partitioned into ")
                    .append(node.numPartitions())
                    .append(", shuffle ")
                    .append(shuffled.shuffleDependency().shuffleId())
                    .append(']');
        }
        CheckpointState state = node.checkpointState();
        if (state instanceof CheckpointState.Pending p) {
            s.append(" [")
                    .append(p.reliable() ? "reliable" : "local")
                    .append(" checkpoint ")
                    .append(p.id())
                    .append(" pending: written by the next action]");
        } else if (state instanceof CheckpointState.Reliable r) {
            s.append(" [checkpointed: ").append(r.id()).append(']');
        } else if (state instanceof CheckpointState.Local l) {
            s.append(" [locally checkpointed: ").append(l.id()).append(']');
        }
        return s.toString();
    }
}

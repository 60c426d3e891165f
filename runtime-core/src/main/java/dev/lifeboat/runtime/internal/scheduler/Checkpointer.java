package dev.lifeboat.runtime.internal.scheduler;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.EngineConfig;
import dev.lifeboat.runtime.JobFailedException;
import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.internal.executor.BlockUpdate;
import dev.lifeboat.runtime.internal.io.CheckpointFormat;
import dev.lifeboat.runtime.internal.lineage.CheckpointState;
import dev.lifeboat.runtime.internal.lineage.Dependency;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the checkpoints that a job's lineage has pending, after the job: the job's tasks kept
 * each partition of a pending dataset as a block on their executor; partitions whose block is
 * missing (never computed, or lost with an executor) are computed by a small extra job; then a
 * reliable checkpoint copies the blocks into the checkpoint store and commits them at once, and a
 * local checkpoint leaves them where they are. Either way the lineage is cut.
 */
public final class Checkpointer {
    private static final int MAX_ROUNDS = 3;

    private final DagScheduler scheduler;
    private final Optional<CheckpointStore> store;
    private final String serializerName;
    private final ListenerBus bus;

    public Checkpointer(
            DagScheduler scheduler, Optional<CheckpointStore> store, String serializerName, ListenerBus bus) {
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.store = requireNonNull(store, "store is null");
        this.serializerName = requireNonNull(serializerName, "serializerName is null");
        this.bus = requireNonNull(bus, "bus is null");
    }

    /**
     * Marks a node for checkpointing. A reliable checkpoint already committed under {@code id}
     * (by this engine or an earlier one) is used at once: the lineage is cut without computing
     * anything.
     *
     * @throws IllegalStateException if a reliable checkpoint is asked for without a checkpoint store
     * @throws IllegalArgumentException if the committed checkpoint does not fit the node
     */
    public void mark(Node node, boolean reliable, CheckpointId id) {
        if (node.checkpointState().isDone()) {
            return;
        }
        if (!reliable) {
            node.setCheckpointState(new CheckpointState.Pending(false, id));
            return;
        }
        CheckpointStore cs =
                store.orElseThrow(() -> new IllegalStateException("checkpoint() needs a checkpoint store: set "
                        + EngineConfig.CHECKPOINT_DIR + " to a URI such as file:/var/lib/app/checkpoints"));
        try {
            Optional<Checkpoint> existing = cs.open(id);
            if (existing.isPresent()) {
                verify(node, id, existing.get());
                node.setCheckpointState(new CheckpointState.Reliable(id));
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot look for checkpoint " + id, e);
        }
        node.setCheckpointState(new CheckpointState.Pending(true, id));
    }

    /** Writes every checkpoint pending in the lineage of {@code node}. */
    public void afterJob(Node node) {
        for (Node pending : pendingIn(node)) {
            write(pending, (CheckpointState.Pending) pending.checkpointState());
        }
    }

    private static List<Node> pendingIn(Node root) {
        List<Node> result = new ArrayList<>();
        collect(root, Collections.newSetFromMap(new IdentityHashMap<>()), result);
        return result;
    }

    private static void collect(Node node, Set<Node> visited, List<Node> result) {
        if (!visited.add(node)) {
            return;
        }
        if (node.checkpointState() instanceof CheckpointState.Pending) {
            result.add(node); // its ancestors are cut off by it
            return;
        }
        for (Dependency dep : node.dependencies()) {
            collect(dep.parent(), visited, result);
        }
    }

    private void write(Node node, CheckpointState.Pending pending) {
        BlockRegistry blocks = scheduler.blockRegistry();
        for (int round = 1; ; round++) {
            List<Integer> missing = new ArrayList<>();
            for (int p = 0; p < node.numPartitions(); p++) {
                if (blocks.location(BlockUpdate.key(node.id(), p)).isEmpty()) {
                    missing.add(p);
                }
            }
            if (!missing.isEmpty()) {
                scheduler.runJob(
                        node,
                        missing,
                        (task, records) -> {
                            records.forEachRemaining(r -> {});
                            return null;
                        },
                        (p, result) -> {},
                        "compute partitions " + missing + " for checkpoint " + pending.id());
            }
            try {
                long bytes = pending.reliable() ? commit(node, pending.id()) : localBytes(node);
                node.setCheckpointState(
                        pending.reliable()
                                ? new CheckpointState.Reliable(pending.id())
                                : new CheckpointState.Local(pending.id()));
                if (pending.reliable()) {
                    for (int p = 0; p < node.numPartitions(); p++) {
                        blocks.remove(BlockUpdate.key(node.id(), p));
                    }
                }
                bus.post(new EngineEvent.CheckpointWritten(
                        System.nanoTime(),
                        node.id(),
                        pending.id().value(),
                        pending.reliable(),
                        node.numPartitions(),
                        bytes));
                return;
            } catch (BlockVanished e) {
                if (round == MAX_ROUNDS) {
                    throw new JobFailedException(
                            "Checkpoint " + pending.id() + " of " + node.describe()
                                    + " could not be written: its partitions kept being lost with their executors",
                            List.of(e));
                }
            } catch (IOException e) {
                throw new JobFailedException(
                        "Checkpoint " + pending.id() + " of " + node.describe()
                                + " could not be written to the checkpoint store: " + e,
                        List.of(e));
            }
        }
    }

    private long localBytes(Node node) throws BlockVanished {
        long total = 0;
        for (int p = 0; p < node.numPartitions(); p++) {
            total += block(node, p).length;
        }
        return total;
    }

    private long commit(Node node, CheckpointId id) throws IOException, BlockVanished {
        CheckpointStore cs = store.orElseThrow();
        long total = 0;
        try (CheckpointWriter writer = cs.begin(id)) {
            writer.writePart(
                    CheckpointFormat.META, new CheckpointFormat.Meta(node.numPartitions(), serializerName).toBytes());
            for (int p = 0; p < node.numPartitions(); p++) {
                byte[] bytes = block(node, p);
                writer.writePart(CheckpointFormat.partName(p), bytes);
                total += bytes.length;
            }
            writer.commit();
        } catch (AlreadyCommittedException e) { // another engine wrote the same data first: use theirs
            verify(node, id, cs.open(id).orElseThrow(() -> e));
        }
        return total;
    }

    private byte[] block(Node node, int partition) throws BlockVanished {
        return scheduler
                .blockRegistry()
                .bytes(BlockUpdate.key(node.id(), partition))
                .orElseThrow(() -> new BlockVanished(node, partition));
    }

    private void verify(Node node, CheckpointId id, Checkpoint checkpoint) {
        try {
            CheckpointFormat.Meta meta = CheckpointFormat.Meta.parse(id, checkpoint.readPart(CheckpointFormat.META));
            if (meta.partitions() != node.numPartitions()) {
                throw new IllegalArgumentException("checkpoint " + id + " has " + meta.partitions() + " partitions but "
                        + node.describe() + " has " + node.numPartitions());
            }
            if (!meta.serializer().equals(serializerName)) {
                throw new IllegalArgumentException("checkpoint " + id + " was written with serializer '"
                        + meta.serializer() + "' but this engine uses '" + serializerName + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + id, e);
        }
    }

    /** A block kept for the checkpoint disappeared (its executor was lost) before it was copied. */
    private static final class BlockVanished extends Exception {
        private static final long serialVersionUID = 1L;

        BlockVanished(Node node, int partition) {
            super("partition " + partition + " of " + node.describe() + " was lost before it was checkpointed");
        }
    }
}

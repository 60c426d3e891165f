package dev.lifeboat.runtime.internal.executor;

import dev.lifeboat.runtime.CheckpointUnavailableException;
import dev.lifeboat.runtime.event.TaskInfo;
import dev.lifeboat.runtime.internal.io.CheckpointFormat;
import dev.lifeboat.runtime.internal.lineage.CheckpointState;
import dev.lifeboat.runtime.internal.lineage.ComputeContext;
import dev.lifeboat.runtime.internal.lineage.Node;
import dev.lifeboat.runtime.internal.lineage.ShuffleDependency;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.LossScope;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** The {@link ComputeContext} of one task attempt on one executor. */
public final class TaskContextImpl implements ComputeContext {
    private final Executor executor;
    private final TaskDescription task;
    private final List<BlockUpdate> blockUpdates = new ArrayList<>();

    TaskContextImpl(Executor executor, TaskDescription task) {
        this.executor = executor;
        this.task = task;
    }

    public TaskInfo info() {
        return task.info();
    }

    Executor executor() {
        return executor;
    }

    List<BlockUpdate> blockUpdates() {
        return blockUpdates;
    }

    /**
     * Reads this reducer's block of every map output the driver gave the task. A missing or
     * damaged block does not stop the reading: every map output is tried, and all that are
     * unavailable are reported in one {@link FetchFailedException}, so the driver recomputes them
     * in one round.
     */
    @Override
    public List<Object> fetchShuffle(ShuffleDependency dependency, int reduceId) {
        List<Optional<MapStatus>> outputs = task.shuffleInputs().get(dependency.shuffleId());
        if (outputs == null) {
            throw new IllegalStateException(
                    info().label() + " was not given the map outputs of shuffle " + dependency.shuffleId());
        }
        List<FetchFailedException.MissingOutput> missing = new ArrayList<>();
        List<byte[]> blocks = new ArrayList<>(outputs.size());
        for (int m = 0; m < outputs.size(); m++) {
            Optional<MapStatus> status = outputs.get(m);
            if (status.isEmpty()) {
                missing.add(new FetchFailedException.MissingOutput(
                        m, -1, "", LossScope.MAP_OUTPUT, "no output is registered for it (lost, or not computed yet)"));
                continue;
            }
            MapStatus s = status.get();
            try {
                blocks.add(executor.shuffleStore().readBlock(s, reduceId));
            } catch (BlockUnavailableException e) {
                missing.add(new FetchFailedException.MissingOutput(
                        m, s.id().mapId(), e.location(), e.scope(), e.getMessage()));
            } catch (CorruptDataException e) {
                missing.add(new FetchFailedException.MissingOutput(
                        m, s.id().mapId(), s.location(), LossScope.MAP_OUTPUT, e.getMessage()));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read block " + s.blockId(reduceId) + " at " + s.location(), e);
            }
        }
        if (!missing.isEmpty()) {
            throw new FetchFailedException(dependency.shuffleId(), reduceId, missing);
        }
        List<Object> records = new ArrayList<>();
        for (int m = 0; m < blocks.size(); m++) {
            MapStatus s = outputs.get(m).orElseThrow();
            try {
                records.addAll(executor.env().shuffleCodec().decode(blocks.get(m), "block " + s.blockId(reduceId)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return records;
    }

    @Override
    public Iterator<Object> readCheckpoint(Node node, int partition) {
        CheckpointState state = node.checkpointState();
        String what = "partition " + partition + " of " + node.describe();
        try {
            if (state instanceof CheckpointState.Local) {
                byte[] bytes = executor.env().blocks().fetch(BlockUpdate.key(node.id(), partition), what);
                return executor.env().checkpointCodec().decode(bytes, what).iterator();
            }
            CheckpointState.Reliable reliable = (CheckpointState.Reliable) state;
            CheckpointStore store = executor.env()
                    .checkpointStore()
                    .orElseThrow(() -> new IllegalStateException("no checkpoint store is configured"));
            Optional<Checkpoint> checkpoint = store.open(reliable.id());
            if (checkpoint.isEmpty()) {
                throw new CheckpointUnavailableException("Checkpoint " + reliable.id() + " of " + node.describe()
                        + " is no longer in the checkpoint store (deleted after it was written); "
                        + "its lineage was cut, so " + what + " cannot be recomputed");
            }
            byte[] bytes = checkpoint.get().readPart(CheckpointFormat.partName(partition));
            return executor.env().checkpointCodec().decode(bytes, what).iterator();
        } catch (IOException e) {
            throw new CheckpointUnavailableException(
                    "Cannot read " + what + " from its checkpoint: " + e.getMessage(), e);
        }
    }

    @Override
    public Iterator<Object> materialise(Node node, int partition, Iterator<Object> records) {
        List<Object> list = new ArrayList<>();
        records.forEachRemaining(list::add);
        try {
            byte[] bytes = executor.env().checkpointCodec().encode(list.iterator());
            String key = BlockUpdate.key(node.id(), partition);
            executor.putBlock(key, bytes);
            blockUpdates.add(new BlockUpdate(node.id(), partition, key, bytes.length));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot store partition " + partition + " of " + node.describe() + " for its checkpoint", e);
        }
        return list.iterator();
    }
}

package dev.lifeboat.spark;

import dev.lifeboat.spark.internal.LifeboatShuffleReader;
import dev.lifeboat.spark.internal.LifeboatShuffleWriter;
import dev.lifeboat.spark.internal.SharedShuffleStores;
import dev.lifeboat.spark.internal.ShuffleMapTasks;
import dev.lifeboat.spark.internal.ShuffleSettings;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.shuffle.BaseShuffleHandle;
import org.apache.spark.shuffle.ShuffleBlockResolver;
import org.apache.spark.shuffle.ShuffleHandle;
import org.apache.spark.shuffle.ShuffleManager;
import org.apache.spark.shuffle.ShuffleReadMetricsReporter;
import org.apache.spark.shuffle.ShuffleReader;
import org.apache.spark.shuffle.ShuffleWriteMetricsReporter;
import org.apache.spark.shuffle.ShuffleWriter;
import org.apache.spark.shuffle.sort.SortShuffleManager;

/**
 * Spark's shuffle on a Lifeboat shuffle block store ({@code spark.shuffle.manager}, with
 * {@code spark.shuffle.sort.io.plugin.class=dev.lifeboat.spark.LifeboatShuffleDataIO} and
 * {@code spark.lifeboat.shuffle.store}). Map tasks run Spark's own sort-based writers, whose
 * bytes {@link LifeboatShuffleDataIO} stores; reduce tasks read the blocks back from the store
 * with one verified ranged read each. A block that cannot be read fails the reduce task with
 * one fetch failure for its map output, so Spark re-runs exactly the map tasks whose outputs
 * were lost. Settings the store cannot honour are refused at start. See {@code docs/spark.md}.
 */
public final class LifeboatShuffleManager implements ShuffleManager {
    private final ShuffleSettings settings;
    private final SortShuffleManager sorted;

    /**
     * Called by Spark on the driver and on every executor.
     *
     * @throws IllegalArgumentException naming a missing, malformed or unsupported setting
     */
    public LifeboatShuffleManager(SparkConf conf, boolean isDriver) {
        this.settings = ShuffleSettings.of(conf);
        this.sorted = new SortShuffleManager(conf);
    }

    @Override
    public <K, V, C> ShuffleHandle registerShuffle(int shuffleId, ShuffleDependency<K, V, C> dependency) {
        return sorted.registerShuffle(shuffleId, dependency);
    }

    @Override
    public <K, V> ShuffleWriter<K, V> getWriter(
            ShuffleHandle handle, long mapId, TaskContext context, ShuffleWriteMetricsReporter metrics) {
        ShuffleMapTasks.starting(
                mapId,
                ShuffleMapTasks.idOf(
                        handle.shuffleId(),
                        context.partitionId(),
                        context.stageAttemptNumber(),
                        context.attemptNumber()));
        try {
            boolean outlives = outlivesExecutor();
            return new LifeboatShuffleWriter<>(sorted.getWriter(handle, mapId, context, metrics), mapId, outlives);
        } catch (RuntimeException e) {
            ShuffleMapTasks.finished(mapId);
            throw e;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, C> ShuffleReader<K, C> getReader(
            ShuffleHandle handle,
            int startMapIndex,
            int endMapIndex,
            int startPartition,
            int endPartition,
            TaskContext context,
            ShuffleReadMetricsReporter metrics) {
        return new LifeboatShuffleReader<>(
                (BaseShuffleHandle<K, ?, C>) handle,
                SparkEnv.get()
                        .mapOutputTracker()
                        .getMapSizesByExecutorId(
                                handle.shuffleId(), startMapIndex, endMapIndex, startPartition, endPartition),
                context,
                metrics,
                store());
    }

    @Override
    public boolean unregisterShuffle(int shuffleId) {
        sorted.unregisterShuffle(shuffleId);
        // A store that outlives executors is shared: the driver removes the shuffle once. A store per
        // executor is cleaned by each executor.
        if (SparkEnv.get() != null && SparkEnv.get().conf().contains("spark.app.id") && !outlivesExecutor()) {
            try {
                store().removeShuffle(shuffleId);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove shuffle " + shuffleId + " from " + settings.store(), e);
            }
        }
        return true;
    }

    @Override
    public ShuffleBlockResolver shuffleBlockResolver() {
        return sorted.shuffleBlockResolver();
    }

    @Override
    public void stop() {
        sorted.stop();
    }

    private ShuffleBlockStore store() {
        try {
            return SharedShuffleStores.get(settings, SparkEnv.get().conf().getAppId());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shuffle block store " + settings.store(), e);
        }
    }

    private boolean outlivesExecutor() {
        return store().capabilities().contains(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
    }
}

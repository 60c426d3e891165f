package dev.lifeboat.spark.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import org.apache.spark.SparkEnv;
import org.apache.spark.shuffle.ShuffleWriter;
import org.apache.spark.storage.BlockManagerId;
import scala.Option;
import scala.Product2;
import scala.collection.Iterator;

/**
 * Spark's own sort-based writer (which writes through {@link LifeboatMapOutputWriter}), whose map
 * status names the committed Lifeboat map output instead of this executor's block manager.
 */
public final class LifeboatShuffleWriter<K, V> extends ShuffleWriter<K, V> {
    private final ShuffleWriter<K, V> sorted;
    private final long mapTaskId;
    private final boolean outlivesExecutor;
    private long[] lengths;

    public LifeboatShuffleWriter(ShuffleWriter<K, V> sorted, long mapTaskId, boolean outlivesExecutor) {
        this.sorted = requireNonNull(sorted, "sorted");
        this.mapTaskId = mapTaskId;
        this.outlivesExecutor = outlivesExecutor;
    }

    @Override
    public void write(Iterator<Product2<K, V>> records) throws IOException {
        sorted.write(records);
    }

    @Override
    public Option<org.apache.spark.scheduler.MapStatus> stop(boolean success) {
        MapStatus committed;
        Option<org.apache.spark.scheduler.MapStatus> status;
        try {
            status = sorted.stop(success);
        } finally {
            committed = ShuffleMapTasks.finished(mapTaskId);
        }
        if (status.isEmpty()) {
            return status;
        }
        if (committed == null) {
            throw new IllegalStateException("map task " + mapTaskId + " finished without committing a Lifeboat map"
                    + " output (is " + ShuffleSettings.IO_PLUGIN + "=" + ShuffleSettings.DATA_IO_CLASS + "?)");
        }
        long[] winner = new long[committed.numPartitions()];
        for (int r = 0; r < winner.length; r++) {
            winner[r] = committed.length(r);
        }
        lengths = winner;
        BlockManagerId writer = SparkEnv.get().blockManager().shuffleServerId();
        return Option.apply(
                SparkLines.mapStatus(ShuffleLocations.of(committed, writer, outlivesExecutor), winner, mapTaskId));
    }

    @Override
    public long[] getPartitionLengths() {
        return lengths != null ? lengths : sorted.getPartitionLengths();
    }
}

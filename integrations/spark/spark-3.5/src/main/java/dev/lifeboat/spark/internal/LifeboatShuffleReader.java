package dev.lifeboat.spark.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.InterruptibleIterator;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.shuffle.BaseShuffleHandle;
import org.apache.spark.shuffle.FetchFailedException;
import org.apache.spark.shuffle.ShuffleReadMetricsReporter;
import org.apache.spark.shuffle.ShuffleReader;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.ShuffleBlockId;
import org.apache.spark.util.collection.ExternalSorter;
import scala.Option;
import scala.Product2;
import scala.Tuple2;
import scala.Tuple3;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.Seq;
import scala.math.Ordering;

/**
 * Reads one reduce task's blocks from the Lifeboat store, one verified ranged read per non-empty
 * block, and then does what Spark's own reader does: decompress, deserialise, aggregate and sort.
 * A block that cannot be read (missing, corrupt, or its store unreachable) ends the task with one
 * {@link FetchFailedException} naming the shuffle, map and reduce ids, so Spark re-runs the map
 * task that lost it.
 */
public final class LifeboatShuffleReader<K, C> implements ShuffleReader<K, C> {
    private final BaseShuffleHandle<K, ?, C> handle;
    private final Iterator<Tuple2<BlockManagerId, Seq<Tuple3<BlockId, Object, Object>>>> blocks;
    private final TaskContext context;
    private final ShuffleReadMetricsReporter metrics;
    private final ShuffleBlockStore store;

    public LifeboatShuffleReader(
            BaseShuffleHandle<K, ?, C> handle,
            Iterator<Tuple2<BlockManagerId, Seq<Tuple3<BlockId, Object, Object>>>> blocks,
            TaskContext context,
            ShuffleReadMetricsReporter metrics,
            ShuffleBlockStore store) {
        this.handle = requireNonNull(handle, "handle");
        this.blocks = requireNonNull(blocks, "blocks");
        this.context = requireNonNull(context, "context");
        this.metrics = requireNonNull(metrics, "metrics");
        this.store = requireNonNull(store, "store");
    }

    private record Block(BlockManagerId location, ShuffleBlockId id, int mapIndex) {}

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Iterator<Product2<K, C>> read() {
        Deque<Block> pending = new ArrayDeque<>();
        while (blocks.hasNext()) {
            Tuple2<BlockManagerId, Seq<Tuple3<BlockId, Object, Object>>> at = blocks.next();
            Iterator<Tuple3<BlockId, Object, Object>> it = at._2().iterator();
            while (it.hasNext()) {
                Tuple3<BlockId, Object, Object> b = it.next();
                if (!(b._1() instanceof ShuffleBlockId id)) {
                    throw new IllegalStateException("unexpected shuffle block " + b._1() + " at " + at._1());
                }
                pending.add(new Block(at._1(), id, (Integer) b._3()));
            }
        }
        ShuffleDependency<K, ?, C> dep = handle.dependency();
        SerializerInstance serializer = dep.serializer().newInstance();
        SerializerManager serializerManager = SparkEnv.get().serializerManager();
        Iterator<Tuple2<Object, Object>> records = new AbstractIterator<>() {
            private final Map<BlockManagerId, MapStatus> statuses = new HashMap<>();
            private Iterator<Tuple2<Object, Object>> current;
            private boolean done;

            @Override
            public boolean hasNext() {
                while (current == null || !current.hasNext()) {
                    if (pending.isEmpty()) {
                        if (!done) {
                            done = true;
                            context.taskMetrics().mergeShuffleReadMetrics();
                        }
                        return false;
                    }
                    Block block = pending.poll();
                    byte[] bytes = fetch(block);
                    InputStream in = serializerManager.wrapStream(block.id(), new ByteArrayInputStream(bytes));
                    current = serializer.deserializeStream(in).asKeyValueIterator();
                }
                return true;
            }

            @Override
            public Tuple2<Object, Object> next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException("no more shuffle records");
                }
                metrics.incRecordsRead(1);
                return current.next();
            }

            private byte[] fetch(Block block) {
                long started = System.nanoTime();
                ShuffleBlockId id = block.id();
                try {
                    MapStatus status = statuses.computeIfAbsent(block.location(), ShuffleLocations::statusOf);
                    byte[] bytes = store.readBlock(status, id.reduceId());
                    metrics.incRemoteBlocksFetched(1);
                    metrics.incRemoteBytesRead(bytes.length);
                    return bytes;
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw Sneaky.raise(new FetchFailedException(
                            block.location(),
                            id.shuffleId(),
                            id.mapId(),
                            block.mapIndex(),
                            id.reduceId(),
                            "Lifeboat shuffle block " + id + " (map index " + block.mapIndex() + ") cannot be read: "
                                    + e.getMessage(),
                            e));
                } finally {
                    metrics.incFetchWaitTime((System.nanoTime() - started) / 1_000_000L);
                }
            }
        };
        Iterator<Product2<K, C>> aggregated;
        InterruptibleIterator interruptible = new InterruptibleIterator(context, records);
        if (dep.aggregator().isDefined()) {
            if (dep.mapSideCombine()) {
                aggregated = ((org.apache.spark.Aggregator) dep.aggregator().get())
                        .combineCombinersByKey(interruptible, context);
            } else {
                aggregated = ((org.apache.spark.Aggregator) dep.aggregator().get())
                        .combineValuesByKey(interruptible, context);
            }
        } else {
            aggregated = (Iterator) interruptible;
        }
        Option<Ordering<K>> ordering = dep.keyOrdering();
        if (ordering.isDefined()) {
            ExternalSorter<K, C, C> sorter =
                    SparkLines.sorter(context, Option.empty(), Option.empty(), ordering, dep.serializer());
            return new InterruptibleIterator<>(context, sorter.insertAllAndUpdateMetrics(aggregated));
        }
        return aggregated instanceof InterruptibleIterator
                ? aggregated
                : new InterruptibleIterator<>(context, aggregated);
    }
}

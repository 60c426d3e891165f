package dev.lifeboat.spark.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;
import org.apache.spark.shuffle.api.ShufflePartitionWriter;
import org.apache.spark.shuffle.api.metadata.MapOutputCommitMessage;

/**
 * Spark's map output writer over one Lifeboat {@link MapOutputWriter}: Spark's serialised,
 * compressed partition bytes go in unchanged, and the commit publishes the map output in the
 * store (the first committed attempt wins; Spark is told the winner's lengths).
 */
final class LifeboatMapOutputWriter implements ShuffleMapOutputWriter {
    private final long mapTaskId;
    private final MapOutputWriter writer;
    private final long[] written;

    LifeboatMapOutputWriter(long mapTaskId, MapOutputWriter writer, int numPartitions) {
        this.mapTaskId = mapTaskId;
        this.writer = requireNonNull(writer, "writer");
        this.written = new long[numPartitions];
    }

    @Override
    public ShufflePartitionWriter getPartitionWriter(int reducePartitionId) throws IOException {
        OutputStream partition = writer.openPartition(reducePartitionId);
        return new ShufflePartitionWriter() {
            private OutputStream stream;

            @Override
            public OutputStream openStream() {
                if (stream == null) {
                    stream = new FilterOutputStream(partition) {
                        @Override
                        public void write(int b) throws IOException {
                            out.write(b);
                            written[reducePartitionId]++;
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                            written[reducePartitionId] += len;
                        }
                    };
                }
                return stream;
            }

            @Override
            public long getNumBytesWritten() {
                return written[reducePartitionId];
            }
        };
    }

    @Override
    public MapOutputCommitMessage commitAllPartitions(long[] checksums) throws IOException {
        MapStatus status = writer.commit();
        long[] lengths = new long[status.numPartitions()];
        for (int r = 0; r < lengths.length; r++) {
            lengths[r] = status.length(r);
        }
        ShuffleMapTasks.committed(mapTaskId, status);
        return MapOutputCommitMessage.of(lengths);
    }

    @Override
    public void abort(Throwable error) throws IOException {
        writer.close();
    }
}

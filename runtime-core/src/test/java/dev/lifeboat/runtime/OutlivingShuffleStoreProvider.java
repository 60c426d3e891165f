package dev.lifeboat.runtime;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test scheme {@code outliving:///dir}: the local shuffle store at {@code file:///dir}, declaring
 * {@link Capability#SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR} the way a store on shared storage (HDFS, S3)
 * does. Killing an executor then leaves its map outputs readable by every other executor, which
 * is true here: the local store reads any location on the machine.
 */
public final class OutlivingShuffleStoreProvider implements ShuffleBlockStoreProvider {
    public static final String SCHEME = "outliving";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public ShuffleBlockStore open(URI uri, Map<String, String> options) throws IOException {
        ShuffleBlockStore local = Lifeboat.openShuffleBlockStore(URI.create("file://" + uri.getPath()), options);
        return new ShuffleBlockStore() {
            @Override
            public MapOutputWriter openMapOutput(MapOutputId id, int numPartitions) throws IOException {
                return local.openMapOutput(id, numPartitions);
            }

            @Override
            public InputStream openBlock(MapStatus status, int reduceId) throws IOException {
                return local.openBlock(status, reduceId);
            }

            @Override
            public void removeShuffle(int shuffleId) throws IOException {
                local.removeShuffle(shuffleId);
            }

            @Override
            public String location() {
                return local.location();
            }

            @Override
            public Set<Capability> capabilities() {
                Set<Capability> c = EnumSet.of(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
                c.addAll(local.capabilities());
                return c;
            }

            @Override
            public void close() throws IOException {
                local.close();
            }
        };
    }
}

package dev.lifeboat.backend.mem.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.backend.common.shuffle.AbstractMapOutputWriter;
import dev.lifeboat.backend.common.shuffle.MapOutputs;
import dev.lifeboat.backend.common.shuffle.ShuffleIndexCodec;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.LossScope;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shuffle outputs in a {@link MemStore}: an attempt writes into its own buffer, and the first
 * commit of a map task publishes {@code shuffle/<shuffle>/<map>/data} and its index (the shared
 * {@link ShuffleIndexCodec} format) under the store's monitor; later attempts get the winner's
 * status. Reads verify the data's length and each block's CRC32C against the status.
 */
public final class MemShuffleBlockStore implements ShuffleBlockStore {
    private static final String PREFIX = "shuffle/";

    private final MemStore store;
    private final Set<Capability> capabilities;
    private volatile boolean closed;

    public MemShuffleBlockStore(MemStore store, Set<Capability> capabilities) {
        this.store = store;
        this.capabilities = Set.copyOf(capabilities);
    }

    static String outputPrefix(int shuffleId, long mapId) {
        return PREFIX + shuffleId + "/" + mapId + "/";
    }

    @Override
    public MapOutputWriter openMapOutput(MapOutputId id, int numPartitions) {
        requireNonNull(id, "id is null");
        checkOpen();
        return new Writer(id, numPartitions); // checks numPartitions
    }

    @Override
    public InputStream openBlock(MapStatus status, int reduceId) throws IOException {
        requireNonNull(status, "status is null");
        checkOpen();
        if (reduceId < 0 || reduceId >= status.numPartitions()) {
            throw new IllegalArgumentException(
                    "reduceId " + reduceId + " is outside the " + status.numPartitions() + " partitions of " + status);
        }
        Optional<MemStore> at = status.location().equals(location())
                ? Optional.of(store)
                : MemStore.existing(URI.create(status.location()));
        if (at.isEmpty()) {
            throw unavailable(status, reduceId, LossScope.LOCATION, "no mem store " + status.location(), null);
        }
        MemStore source = at.get();
        source.call("shuffle block read");
        String prefix = outputPrefix(status.id().shuffleId(), status.id().mapId());
        MemObject index = source.objects().get(prefix + "index");
        if (index == null) {
            LossScope scope = source.removedShuffles().contains(status.id().shuffleId())
                    ? LossScope.SHUFFLE
                    : LossScope.MAP_OUTPUT;
            throw unavailable(status, reduceId, scope, "the map output is not stored", null);
        }
        MapStatus committed;
        try {
            committed = ShuffleIndexCodec.decode(index.toByteArray(), status.location());
        } catch (CorruptDataException e) {
            throw unavailable(status, reduceId, LossScope.MAP_OUTPUT, "its index is damaged", e);
        }
        if (!committed.equals(status)) {
            throw unavailable(
                    status,
                    reduceId,
                    LossScope.MAP_OUTPUT,
                    "the stored output is " + committed + ", not this one",
                    null);
        }
        MemObject data = source.objects().get(prefix + "data");
        if (data == null) {
            throw unavailable(status, reduceId, LossScope.MAP_OUTPUT, "its data is gone", null);
        }
        if (data.length() != status.totalBytes()) {
            throw unavailable(
                    status,
                    reduceId,
                    LossScope.MAP_OUTPUT,
                    "its data holds " + data.length() + " bytes, the status " + status.totalBytes(),
                    null);
        }
        return new VerifyingInputStream(
                data.inputStream(status.offset(reduceId), status.length(reduceId)),
                status.length(reduceId),
                status.checksum(reduceId),
                detail -> unavailable(status, reduceId, LossScope.MAP_OUTPUT, detail, null));
    }

    @Override
    public List<MapStatus> committedMapOutputs() throws IOException {
        checkOpen();
        List<MapStatus> out = new ArrayList<>();
        for (Map.Entry<String, MemObject> e :
                store.objects().subMap(PREFIX, PREFIX + Character.MAX_VALUE).entrySet()) {
            if (e.getKey().endsWith("/index")) {
                out.add(ShuffleIndexCodec.decode(e.getValue().toByteArray(), location()));
            }
        }
        out.sort(MapOutputs.ORDER);
        return out;
    }

    @Override
    public void removeShuffle(int shuffleId) throws IOException {
        MapOutputs.checkShuffleId(shuffleId);
        checkOpen();
        store.call("shuffle remove");
        synchronized (store) {
            String prefix = PREFIX + shuffleId + "/";
            store.objects().subMap(prefix, prefix + Character.MAX_VALUE).clear();
            store.removedShuffles().add(shuffleId);
        }
    }

    @Override
    public String location() {
        return store.uri();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the shuffle block store " + store.uri() + " is closed");
        }
    }

    private static BlockUnavailableException unavailable(
            MapStatus status, int reduceId, LossScope scope, String detail, Throwable cause) {
        return new BlockUnavailableException(status.blockId(reduceId), status.location(), scope, detail, cause);
    }

    /**
     * One attempt: blocks go back to back into a private buffer until the commit publishes it, or
     * not. The protocol is {@link AbstractMapOutputWriter}'s.
     */
    private final class Writer extends AbstractMapOutputWriter {
        private final MemObject buffer = new MemObject();
        private final OutputStream data = buffer.outputStream();

        Writer(MapOutputId id, int numPartitions) {
            super(id, numPartitions);
        }

        @Override
        protected OutputStream data() {
            return data;
        }

        @Override
        protected MapStatus publish(long[] lengths, int[] checksums) throws IOException {
            store.call("shuffle commit");
            MapOutputId id = id();
            String prefix = outputPrefix(id.shuffleId(), id.mapId());
            synchronized (store) {
                MemObject existing = store.objects().get(prefix + "index");
                if (existing != null) {
                    return ShuffleIndexCodec.decode(existing.toByteArray(), location());
                }
                byte[] index = ShuffleIndexCodec.encode(id, lengths, checksums);
                MemObject indexObject = new MemObject();
                indexObject.append(index, 0, index.length);
                store.objects().put(prefix + "data", buffer);
                store.objects().put(prefix + "index", indexObject);
                store.removedShuffles().remove(id.shuffleId());
                return new MapStatus(id, location(), lengths, checksums);
            }
        }

        /** Nothing to do: the buffer is private to the attempt until it is published. */
        @Override
        protected void discard(IOException cause) {}

        @Override
        protected void checkStoreOpen() {
            checkOpen();
        }
    }
}

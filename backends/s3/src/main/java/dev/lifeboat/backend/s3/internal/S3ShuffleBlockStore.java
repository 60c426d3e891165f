package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.backend.common.shuffle.AbstractMapOutputWriter;
import dev.lifeboat.backend.common.shuffle.MapOutputs;
import dev.lifeboat.backend.common.shuffle.ShuffleIndexCodec;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.shuffle.BlockId;
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
 * A shuffle block store on S3. Each map output attempt is one data object (blocks back to back,
 * multipart above the part size) plus one index object published with {@code If-None-Match: *},
 * so the first attempt to commit wins and later attempts get the winner's status. Blocks are read
 * with one ranged GET each, verified against the status' length and CRC32C, and outlive the
 * executors that wrote them.
 *
 * <pre>
 * shuffle/&lt;shuffleId&gt;/&lt;mapId&gt;/index               ShuffleIndexCodec of the winning attempt
 * shuffle/&lt;shuffleId&gt;/&lt;mapId&gt;/&lt;attempt&gt;.data      the attempt's blocks
 * </pre>
 */
public final class S3ShuffleBlockStore implements ShuffleBlockStore {
    static final String ROOT = "shuffle/";

    private final ObjectStore store;
    /** Map outputs whose data length this instance checked against their status (one HEAD each). */
    private final java.util.Set<MapStatus> lengthVerified = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Set<Capability> capabilities;
    private volatile boolean closed;

    public S3ShuffleBlockStore(ObjectStore store, Set<Capability> capabilities) {
        this.store = requireNonNull(store, "store is null");
        this.capabilities = Set.copyOf(capabilities);
    }

    static String mapFolder(int shuffleId, long mapId) {
        return ROOT + shuffleId + "/" + mapId + "/";
    }

    static String indexName(int shuffleId, long mapId) {
        return mapFolder(shuffleId, mapId) + "index";
    }

    static String dataName(MapOutputId id) {
        return mapFolder(id.shuffleId(), id.mapId()) + id.attempt() + ".data";
    }

    @Override
    public MapOutputWriter openMapOutput(MapOutputId id, int numPartitions) throws IOException {
        MapOutputs.checkOpen(id, numPartitions);
        checkOpen();
        return new Writer(id, numPartitions);
    }

    @Override
    public InputStream openBlock(MapStatus status, int reduceId) throws IOException {
        requireNonNull(status, "status is null");
        checkOpen();
        BlockId block = status.blockId(reduceId);
        S3Location where;
        try {
            where = S3Location.parse(URI.create(status.location()));
        } catch (IllegalArgumentException e) {
            throw new BlockUnavailableException(
                    block, status.location(), LossScope.LOCATION, "not an S3 location this store can read", e);
        }
        String key = where.key(dataName(status.id()));
        long length = status.length(reduceId);
        Optional<InputStream> in;
        if (length == 0 || !lengthVerified.contains(status)) { // once per map output and store instance
            Optional<ObjectStore.ObjectInfo> info = store.head(where.bucket(), key);
            if (info.isPresent() && info.get().size() != status.totalBytes()) {
                throw new BlockUnavailableException(
                        block,
                        status.location(),
                        LossScope.MAP_OUTPUT,
                        ObjectStore.describe(where.bucket(), key) + " has "
                                + info.get().size() + " bytes but the committed output has " + status.totalBytes(),
                        null);
            }
            if (info.isPresent()) {
                lengthVerified.add(status);
            }
            in = info.isEmpty()
                    ? Optional.empty()
                    : length == 0
                            ? Optional.of(InputStream.nullInputStream())
                            : store.openStream(where.bucket(), key, status.offset(reduceId), length);
        } else {
            in = store.openStream(where.bucket(), key, status.offset(reduceId), length);
        }
        if (in.isEmpty()) {
            throw new BlockUnavailableException(
                    block,
                    status.location(),
                    scopeOfLoss(where, status.id()),
                    ObjectStore.describe(where.bucket(), key) + " is missing",
                    null);
        }
        String location = status.location();
        return new VerifyingInputStream(
                in.get(),
                length,
                status.checksum(reduceId),
                detail -> new BlockUnavailableException(
                        block,
                        location,
                        LossScope.MAP_OUTPUT,
                        ObjectStore.describe(where.bucket(), key) + " fails verification: " + detail,
                        null));
    }

    /** A missing map output: only it, or (if nothing of its shuffle is left) the whole shuffle. */
    private LossScope scopeOfLoss(S3Location where, MapOutputId id) {
        try {
            if (store.list(where.bucket(), where.key(ROOT + id.shuffleId() + "/"), 1)
                    .isEmpty()) {
                return LossScope.SHUFFLE;
            }
        } catch (IOException e) {
            // cannot tell: the narrower scope
        }
        return LossScope.MAP_OUTPUT;
    }

    @Override
    public List<MapStatus> committedMapOutputs() throws IOException {
        checkOpen();
        List<MapStatus> out = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list(store.key(ROOT))) {
            if (!o.key().endsWith("/index")) {
                continue;
            }
            Optional<ObjectStore.Blob> blob = store.get(o.key());
            if (blob.isPresent()) {
                out.add(decodeIndex(blob.get()));
            }
        }
        out.sort(MapOutputs.ORDER);
        return out;
    }

    private MapStatus decodeIndex(ObjectStore.Blob blob) throws CorruptDataException {
        MapStatus decoded = ShuffleIndexCodec.decode(blob.bytes(), store.describe(blob.key()));
        long[] lengths = new long[decoded.numPartitions()];
        int[] checksums = new int[decoded.numPartitions()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = decoded.length(i);
            checksums[i] = decoded.checksum(i);
        }
        return new MapStatus(decoded.id(), location(), lengths, checksums);
    }

    @Override
    public void removeShuffle(int shuffleId) throws IOException {
        MapOutputs.checkShuffleId(shuffleId);
        checkOpen();
        // Indexes first, so no reader sees a map output whose data is half gone.
        String prefix = store.key(ROOT + shuffleId + "/");
        List<ObjectStore.ObjectInfo> objects = store.list(prefix);
        for (ObjectStore.ObjectInfo o : objects) {
            if (o.key().endsWith("/index")) {
                store.delete(o.key());
            }
        }
        for (ObjectStore.ObjectInfo o : objects) {
            if (!o.key().endsWith("/index")) {
                store.delete(o.key());
            }
        }
    }

    @Override
    public String location() {
        return store.location().toString();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            store.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the shuffle block store " + store.location() + " is closed");
        }
    }

    /** One map output attempt: the protocol is {@link AbstractMapOutputWriter}'s. */
    private final class Writer extends AbstractMapOutputWriter {
        private final String dataKey;
        private UploadStream upload;

        Writer(MapOutputId id, int numPartitions) {
            super(id, numPartitions);
            this.dataKey = store.key(dataName(id));
        }

        @Override
        protected OutputStream data() {
            if (upload == null) {
                upload = new UploadStream(store, dataKey);
            }
            return upload;
        }

        @Override
        protected MapStatus publish(long[] lengths, int[] checksums) throws IOException {
            MapOutputId id = id();
            data().close(); // an empty map output still has its object
            String indexKey = store.key(indexName(id.shuffleId(), id.mapId()));
            byte[] index = ShuffleIndexCodec.encode(id, lengths, checksums);
            MapStatus mine = new MapStatus(id, location(), lengths, checksums);
            Optional<String> created;
            try {
                created = store.putIfAbsent(indexKey, index, Map.of());
            } catch (OutcomeUnknownException e) {
                Optional<ObjectStore.Blob> stored;
                try {
                    stored = store.get(indexKey);
                } catch (IOException readFailure) {
                    e.addSuppressed(readFailure);
                    throw e; // leave the data: the index may name it
                }
                if (stored.isEmpty()) {
                    throw new OutcomeUnknownException(
                            "commit of map output " + id + " may or may not have" + " taken effect", e);
                }
                return winner(stored.get(), mine);
            }
            if (created.isPresent()) {
                return mine;
            }
            Optional<ObjectStore.Blob> stored = store.get(indexKey);
            if (stored.isEmpty()) {
                throw new IOException("commit of map output " + id + " was refused but " + store.describe(indexKey)
                        + " is missing (the shuffle was removed meanwhile?)");
            }
            return winner(stored.get(), mine);
        }

        /** The committed attempt: ours (a retried PUT refused by its own success) or an earlier one. */
        private MapStatus winner(ObjectStore.Blob stored, MapStatus mine) throws IOException {
            MapStatus winner = decodeIndex(stored);
            if (winner.id().equals(id())) {
                return mine;
            }
            store.delete(dataKey); // another attempt won: ours is never read
            return winner;
        }

        @Override
        protected void discard(IOException cause) {
            if (upload != null) {
                try {
                    upload.abort();
                    store.delete(dataKey);
                } catch (IOException e) {
                    // the object is unreachable without an index; removeShuffle deletes it
                }
            }
        }

        @Override
        protected void checkStoreOpen() {
            checkOpen();
        }
    }
}

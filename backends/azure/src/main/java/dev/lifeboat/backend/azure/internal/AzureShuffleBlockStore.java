package dev.lifeboat.backend.azure.internal;

import static java.util.Objects.requireNonNull;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.backend.common.shuffle.AbstractMapOutputWriter;
import dev.lifeboat.backend.common.shuffle.MapOutputs;
import dev.lifeboat.backend.common.shuffle.ShuffleIndexCodec;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.LossScope;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A shuffle block store on Azure Blob: one block blob per map output, {@code shuffle/<shuffleId>/<mapId>},
 * holding the partitions back to back followed by the output's index ({@link ShuffleIndexCodec},
 * which names the attempt) and a trailer (index length, magic). An attempt stages its bytes as
 * blocks with ids of its own and commits them with Put Block List under {@code If-None-Match: *}
 * (a small output: one Put Blob under the same condition): the first attempt to commit wins, a
 * later one reads the winner's index and returns its status. Blocks are read with ranged GETs.
 * Blobs outlive the executor that wrote them.
 */
public final class AzureShuffleBlockStore implements ShuffleBlockStore {
    static final String ROOT = "shuffle/";
    private static final int TRAILER = 8;
    private static final int MAGIC = 0x4C534254; // "LSBT"

    private final Blobs blobs;
    private final Set<Capability> capabilities;
    private volatile boolean closed;

    public AzureShuffleBlockStore(Blobs blobs, Set<Capability> capabilities) {
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.capabilities = Set.copyOf(capabilities);
    }

    static String blobName(int shuffleId, long mapId) {
        return ROOT + shuffleId + "/" + mapId;
    }

    /** {@code shuffleId/mapId} of a map output blob, for fault injection. */
    static Optional<String> keyOf(String name) {
        if (!name.startsWith(ROOT)) {
            return Optional.empty();
        }
        String[] f = name.substring(ROOT.length()).split("/", -1);
        return f.length == 2 ? Optional.of(f[0] + "/" + f[1]) : Optional.empty();
    }

    @Override
    public MapOutputWriter openMapOutput(MapOutputId id, int numPartitions) throws IOException {
        MapOutputs.checkOpen(id, numPartitions);
        checkOpen();
        return new Writer(id, numPartitions);
    }

    /** Map outputs whose blob size this instance has checked against their status. */
    private final Set<String> sizeChecked = ConcurrentHashMap.newKeySet();

    @Override
    public InputStream openBlock(MapStatus status, int reduceId) throws IOException {
        requireNonNull(status, "status is null");
        checkOpen();
        if (reduceId < 0 || reduceId >= status.numPartitions()) {
            throw new IllegalArgumentException("reduceId " + reduceId + " is outside the " + status.numPartitions()
                    + " partitions of " + status.id());
        }
        long length = status.length(reduceId);
        String name = blobName(status.id().shuffleId(), status.id().mapId());
        Blobs source = blobsAt(status.location());
        InputStream in;
        if (length == 0) {
            in = new ByteArrayInputStream(new byte[0]);
        } else {
            checkSize(source, name, status, reduceId);
            try {
                in = source.call(
                        "read",
                        name,
                        () -> source.blob(name)
                                .openInputStream(
                                        new BlobInputStreamOptions()
                                                .setRange(new BlobRange(status.offset(reduceId), length))
                                                .setBlockSize(4 << 20),
                                        Context.NONE));
            } catch (Blobs.NotFound e) {
                throw new BlockUnavailableException(
                        status.blockId(reduceId),
                        status.location(),
                        LossScope.MAP_OUTPUT,
                        "the map output " + source.describe(name) + " is gone",
                        e);
            } catch (IOException e) {
                throw new BlockUnavailableException(
                        status.blockId(reduceId),
                        status.location(),
                        LossScope.MAP_OUTPUT,
                        "the map output " + source.describe(name) + " cannot be read: " + e.getMessage(),
                        e);
            }
        }
        return new VerifyingInputStream(
                new UnavailableOnFailure(in, status, reduceId),
                length,
                status.checksum(reduceId),
                detail -> new BlockUnavailableException(
                        status.blockId(reduceId),
                        status.location(),
                        LossScope.MAP_OUTPUT,
                        "block " + status.blockId(reduceId) + " of " + source.describe(name) + ": " + detail,
                        null));
    }

    /**
     * Bytes added to or cut from a map output's blob leave its blocks' ranges readable, so the
     * blob's size is checked against what its status implies (blocks, index, trailer): one HEAD
     * per map output per store instance.
     */
    private void checkSize(Blobs source, String name, MapStatus status, int reduceId) throws IOException {
        String key = status.location() + "\n" + name;
        if (sizeChecked.contains(key)) {
            return;
        }
        long[] lengths = new long[status.numPartitions()];
        int[] checksums = new int[status.numPartitions()];
        for (int r = 0; r < lengths.length; r++) {
            lengths[r] = status.length(r);
            checksums[r] = status.checksum(r);
        }
        long expected =
                status.totalBytes() + ShuffleIndexCodec.encode(status.id(), lengths, checksums).length + TRAILER;
        Optional<com.azure.storage.blob.models.BlobProperties> props;
        try {
            props = source.head(name);
        } catch (IOException e) {
            throw new BlockUnavailableException(
                    status.blockId(reduceId),
                    status.location(),
                    LossScope.MAP_OUTPUT,
                    "the map output " + source.describe(name) + " cannot be read: " + e.getMessage(),
                    e);
        }
        if (props.isEmpty()) {
            throw new BlockUnavailableException(
                    status.blockId(reduceId),
                    status.location(),
                    LossScope.MAP_OUTPUT,
                    "the map output " + source.describe(name) + " is gone",
                    null);
        }
        long size = props.get().getBlobSize();
        if (size != expected) {
            throw new BlockUnavailableException(
                    status.blockId(reduceId),
                    status.location(),
                    LossScope.MAP_OUTPUT,
                    "the map output " + source.describe(name) + " holds " + size + " bytes where its blocks, index "
                            + "and trailer take " + expected + ": bytes were added or cut",
                    null);
        }
        sizeChecked.add(key);
    }

    /** Turns a failed read (a vanished blob, a changed ETag) into an unavailable block. */
    private static final class UnavailableOnFailure extends java.io.FilterInputStream {
        private final MapStatus status;
        private final int reduceId;

        UnavailableOnFailure(InputStream in, MapStatus status, int reduceId) {
            super(in);
            this.status = status;
            this.reduceId = reduceId;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw new BlockUnavailableException(
                        status.blockId(reduceId),
                        status.location(),
                        LossScope.MAP_OUTPUT,
                        "reading failed: " + e.getMessage(),
                        e);
            }
        }
    }

    /** The store at {@code location}: this one, or another prefix reachable with the same client settings. */
    private Blobs blobsAt(String location) {
        if (location.equals(location())) {
            return blobs;
        }
        AzureSettings s = blobs.settings();
        String rest = location.startsWith(AzureSettings.SCHEME + "://" + s.account() + "/")
                ? location.substring((AzureSettings.SCHEME + "://" + s.account() + "/").length())
                : null;
        if (rest == null || rest.indexOf('/') < 0) {
            throw new IllegalArgumentException(
                    "map output location '" + location + "' is not in account " + s.account());
        }
        String container = rest.substring(0, rest.indexOf('/'));
        String prefix = rest.substring(rest.indexOf('/') + 1);
        return Blobs.open(new AzureSettings(
                s.account(),
                container,
                prefix,
                s.endpoint(),
                s.credentials(),
                s.callTimeout(),
                s.tryTimeout(),
                s.maxAttempts(),
                s.connectTimeout(),
                s.blockSize()));
    }

    /** Reads the index of a committed map output from its trailer. */
    private Optional<MapStatus> readIndex(String name) throws IOException {
        Optional<com.azure.storage.blob.models.BlobProperties> props = blobs.head(name);
        if (props.isEmpty()) {
            return Optional.empty();
        }
        long size = props.get().getBlobSize();
        String where = blobs.describe(name);
        if (size < TRAILER) {
            throw new CorruptDataException(where, 0, "map output of " + size + " bytes has no index");
        }
        ByteBuffer trailer = ByteBuffer.wrap(blobs.getRange(name, size - TRAILER, TRAILER));
        if (trailer.remaining() != TRAILER || trailer.getInt(4) != MAGIC) {
            throw new CorruptDataException(where, size - TRAILER, "map output trailer is damaged");
        }
        int indexLength = trailer.getInt(0);
        if (indexLength < 0 || indexLength > size - TRAILER) {
            throw new CorruptDataException(
                    where, size - TRAILER, "map output claims an index of " + indexLength + " bytes");
        }
        byte[] index = blobs.getRange(name, size - TRAILER - indexLength, indexLength);
        MapStatus status = ShuffleIndexCodec.decode(index, location());
        if (status.totalBytes() != size - TRAILER - indexLength) {
            throw new CorruptDataException(
                    where,
                    size - TRAILER - indexLength,
                    "index describes " + status.totalBytes() + " bytes of blocks but the blob holds "
                            + (size - TRAILER - indexLength));
        }
        return Optional.of(status);
    }

    @Override
    public List<MapStatus> committedMapOutputs() throws IOException {
        checkOpen();
        List<MapStatus> out = new ArrayList<>();
        for (Blobs.Item item : blobs.list(ROOT)) {
            if (keyOf(item.name()).isPresent()) {
                readIndex(item.name()).ifPresent(out::add);
            }
        }
        out.sort(MapOutputs.ORDER);
        return out;
    }

    @Override
    public void removeShuffle(int shuffleId) throws IOException {
        MapOutputs.checkShuffleId(shuffleId);
        checkOpen();
        blobs.deleteAll(ROOT + shuffleId + "/");
    }

    @Override
    public String location() {
        return blobs.location();
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
            throw new IllegalStateException("the shuffle block store " + location() + " is closed");
        }
    }

    /** One attempt of one map output: the protocol is {@link AbstractMapOutputWriter}'s. */
    private final class Writer extends AbstractMapOutputWriter {
        private final String name;
        private final BlockUpload upload;

        Writer(MapOutputId id, int numPartitions) {
            super(id, numPartitions);
            this.name = blobName(id.shuffleId(), id.mapId());
            this.upload = new BlockUpload(blobs, name, String.format("%010d", id.attempt()), true);
        }

        @Override
        protected OutputStream data() {
            return upload;
        }

        @Override
        protected MapStatus publish(long[] lengths, int[] checksums) throws IOException {
            MapOutputId id = id();
            MapStatus mine = new MapStatus(id, location(), lengths, checksums);
            byte[] index = ShuffleIndexCodec.encode(id, lengths, checksums);
            upload.write(index);
            upload.write(ByteBuffer.allocate(TRAILER)
                    .putInt(index.length)
                    .putInt(MAGIC)
                    .array());
            OutcomeUnknownException unknown = null;
            try {
                if (upload.finish()) {
                    return mine;
                }
            } catch (OutcomeUnknownException e) {
                unknown = e;
            }
            // Refused (or unanswered): whoever is there now is the winner, possibly this attempt
            // itself when an SDK retry was refused by its own first success.
            Optional<MapStatus> winner;
            try {
                winner = readIndex(name);
            } catch (IOException e) {
                if (unknown != null) {
                    unknown.addSuppressed(e);
                    throw unknown;
                }
                throw e;
            }
            if (winner.isPresent()) {
                return winner.get();
            }
            if (unknown != null) {
                throw new OutcomeUnknownException(
                        "commit of map output " + id + " may or may not have taken effect;" + " nothing is visible now",
                        unknown);
            }
            throw new IOException("commit of map output " + id + " was refused but no map output is there"
                    + " (removed concurrently?)");
        }

        /** Uncommitted blocks are never readable; the service discards them. */
        @Override
        protected void discard(IOException cause) {
            upload.abort();
        }

        @Override
        protected void checkStoreOpen() {
            checkOpen();
        }
    }
}

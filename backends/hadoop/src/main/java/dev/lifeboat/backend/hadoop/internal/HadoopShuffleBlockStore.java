package dev.lifeboat.backend.hadoop.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.backend.common.shuffle.AbstractMapOutputWriter;
import dev.lifeboat.backend.common.shuffle.MapOutputs;
import dev.lifeboat.backend.common.shuffle.ShuffleIndexCodec;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.shuffle.BlockId;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.LossScope;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Map outputs on a Hadoop file system: one data file per map output with the blocks back to back,
 * and an index ({@link ShuffleIndexCodec}) beside it.
 *
 * <pre>
 * &lt;root&gt;/shuffle-&lt;shuffleId&gt;/&lt;mapId&gt;/data, index          the winning attempt of a map task
 * &lt;root&gt;/attempts/&lt;shuffleId&gt;-&lt;mapId&gt;-&lt;attempt&gt;-&lt;unique&gt;/  an attempt being written
 * </pre>
 *
 * A commit renames the attempt's directory to the map task's directory only if it does not exist
 * ({@link HadoopFs#renameIfAbsent}), so the first attempt to commit wins and readers only ever
 * see one attempt's bytes. Blocks are read with a seek to their offset (a ranged read).
 */
public final class HadoopShuffleBlockStore implements ShuffleBlockStore {
    private static final ConcurrentHashMap<String, Object> COMMIT_LOCKS = new ConcurrentHashMap<>();
    private static final String DATA = "data";
    private static final String INDEX = "index";

    private final HadoopFs fs;
    private final Map<String, String> options;
    private final Set<Capability> capabilities;
    private final Path attempts;
    /** Map outputs whose data length this instance checked against their status. */
    private final java.util.Set<MapStatus> lengthVerified = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Map<String, HadoopFs> remote = new ConcurrentHashMap<>();
    private final Set<Writer> writers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public HadoopShuffleBlockStore(HadoopFs fs, Map<String, String> options, Set<Capability> capabilities)
            throws IOException {
        this.fs = requireNonNull(fs, "fs is null");
        this.options = Map.copyOf(options);
        this.capabilities = Set.copyOf(capabilities);
        this.attempts = new Path(fs.root(), "attempts");
        fs.fs().mkdirs(attempts);
    }

    /** The guarantees a store on {@code fs} can keep. */
    public static Set<Capability> capabilitiesOf(HadoopFs fs) {
        return new FsFeatures(false, false, fs.leaseRecoverable(), fs.isLocal()).shuffleCapabilities();
    }

    static Path shuffleDir(Path root, int shuffleId) {
        return new Path(root, "shuffle-" + shuffleId);
    }

    static Path mapDir(Path root, int shuffleId, long mapId) {
        return new Path(shuffleDir(root, shuffleId), Long.toString(mapId));
    }

    static Path dataPath(Path root, int shuffleId, long mapId) {
        return new Path(mapDir(root, shuffleId, mapId), DATA);
    }

    static Path indexPath(Path root, int shuffleId, long mapId) {
        return new Path(mapDir(root, shuffleId, mapId), INDEX);
    }

    @Override
    public MapOutputWriter openMapOutput(MapOutputId id, int numPartitions) throws IOException {
        MapOutputs.checkOpen(id, numPartitions);
        checkOpen();
        Path dir = new Path(attempts, id.shuffleId() + "-" + id.mapId() + "-" + id.attempt() + "-" + UUID.randomUUID());
        Writer w = new Writer(id, numPartitions, dir, fs.createExclusive(new Path(dir, DATA), false));
        writers.add(w);
        return w;
    }

    @Override
    public InputStream openBlock(MapStatus status, int reduceId) throws IOException {
        requireNonNull(status, "status is null");
        checkOpen();
        long offset = status.offset(reduceId);
        long length = status.length(reduceId);
        BlockId block = status.blockId(reduceId);
        HadoopFs at = fileSystemOf(status.location());
        Path data = dataPath(at.root(), status.id().shuffleId(), status.id().mapId());
        FSDataInputStream in;
        try {
            if (!lengthVerified.contains(status)) { // once per map output and store instance: one RPC
                long stored = at.fs().getFileStatus(data).getLen();
                if (stored != status.totalBytes()) {
                    throw new BlockUnavailableException(
                            block,
                            status.location(),
                            LossScope.MAP_OUTPUT,
                            "its map output " + data + " has " + stored + " bytes but the committed output has "
                                    + status.totalBytes(),
                            null);
                }
                lengthVerified.add(status);
            }
            in = at.fs().open(data);
            if (offset > 0) {
                in.seek(offset);
            }
        } catch (BlockUnavailableException e) {
            throw e;
        } catch (FileNotFoundException e) {
            throw new BlockUnavailableException(
                    block, status.location(), scopeOfMissing(at, status), "its map output " + data + " is missing", e);
        } catch (IOException e) {
            throw new BlockUnavailableException(
                    block, status.location(), LossScope.MAP_OUTPUT, "cannot read " + data + ": " + e.getMessage(), e);
        }
        InputStream verified = new VerifyingInputStream(
                in,
                length,
                status.checksum(reduceId),
                detail -> new BlockUnavailableException(
                        block,
                        status.location(),
                        LossScope.MAP_OUTPUT,
                        "block at offset " + offset + " of " + data + " fails verification: " + detail,
                        null));
        return new FilterInputStream(verified) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (BlockUnavailableException e) {
                    throw e;
                } catch (IOException e) {
                    throw new BlockUnavailableException(
                            block,
                            status.location(),
                            LossScope.MAP_OUTPUT,
                            "reading " + data + " failed: " + e.getMessage(),
                            e);
                }
            }
        };
    }

    private LossScope scopeOfMissing(HadoopFs at, MapStatus status) {
        try {
            if (!at.fs().exists(at.root())) {
                return LossScope.LOCATION;
            }
            if (!at.fs().exists(shuffleDir(at.root(), status.id().shuffleId()))) {
                return LossScope.SHUFFLE;
            }
        } catch (IOException e) {
            return LossScope.LOCATION;
        }
        return LossScope.MAP_OUTPUT;
    }

    private HadoopFs fileSystemOf(String location) throws IOException {
        if (location.equals(location())) {
            return fs;
        }
        HadoopFs known = remote.get(location);
        if (known != null) {
            return known;
        }
        URI uri;
        try {
            uri = URI.create(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("map status location '" + location + "' is not a URI", e);
        }
        HadoopLocation parsed = HadoopLocation.parse(
                uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT), uri, options);
        HadoopFs opened = parsed.open();
        HadoopFs raced = remote.putIfAbsent(location, opened);
        if (raced != null) {
            opened.close();
            return raced;
        }
        return opened;
    }

    @Override
    public List<MapStatus> committedMapOutputs() throws IOException {
        checkOpen();
        List<MapStatus> out = new ArrayList<>();
        for (FileStatus shuffle : list(fs.root())) {
            String name = shuffle.getPath().getName();
            if (!shuffle.isDirectory() || !name.matches("shuffle-\\d+")) {
                continue;
            }
            for (FileStatus map : list(shuffle.getPath())) {
                Path index = new Path(map.getPath(), INDEX);
                try (FSDataInputStream in = fs.fs().open(index)) {
                    out.add(ShuffleIndexCodec.decode(in.readAllBytes(), location()));
                } catch (FileNotFoundException e) {
                    // removed meanwhile
                }
            }
        }
        out.sort(MapOutputs.ORDER);
        return out;
    }

    private FileStatus[] list(Path dir) throws IOException {
        try {
            return fs.fs().listStatus(dir);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }

    @Override
    public void removeShuffle(int shuffleId) throws IOException {
        MapOutputs.checkShuffleId(shuffleId);
        checkOpen();
        fs.delete(shuffleDir(fs.root(), shuffleId), true);
    }

    @Override
    public String location() {
        return fs.location().toString();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        for (Writer w : new ArrayList<>(writers)) {
            try {
                w.close();
            } catch (IOException e) {
                // best effort
            }
        }
        IOException failure = null;
        for (HadoopFs other : remote.values()) {
            try {
                other.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        fs.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the shuffle block store " + fs + " is closed");
        }
    }

    @Override
    public String toString() {
        return "HadoopShuffleBlockStore[" + fs + "]";
    }

    /** One attempt of one map output: the protocol is {@link AbstractMapOutputWriter}'s. */
    private final class Writer extends AbstractMapOutputWriter {
        private final Path dir;
        private final FSDataOutputStream data;

        Writer(MapOutputId id, int numPartitions, Path dir, FSDataOutputStream data) {
            super(id, numPartitions);
            this.dir = dir;
            this.data = data;
        }

        @Override
        protected OutputStream data() {
            return data;
        }

        @Override
        protected MapStatus publish(long[] lengths, int[] checksums) throws IOException {
            MapOutputId id = id();
            data.close();
            try (FSDataOutputStream index = fs.createExclusive(new Path(dir, INDEX), false)) {
                index.write(ShuffleIndexCodec.encode(id, lengths, checksums));
            }
            Path target = mapDir(fs.root(), id.shuffleId(), id.mapId());
            boolean won;
            synchronized (COMMIT_LOCKS.computeIfAbsent(target.toString(), k -> new Object())) {
                won = fs.renameIfAbsent(dir, target);
            }
            if (won) {
                return new MapStatus(id, location(), lengths, checksums);
            }
            // Another attempt won: ours is never read (a failure here aborts it, which deletes it too).
            fs.delete(dir, true);
            try (FSDataInputStream in = fs.fs().open(new Path(target, INDEX))) {
                return ShuffleIndexCodec.decode(in.readAllBytes(), location());
            }
        }

        @Override
        protected void discard(IOException cause) throws IOException {
            try {
                data.close();
            } catch (IOException e) {
                // deleted below
            }
            fs.delete(dir, true);
        }

        @Override
        protected void checkStoreOpen() {
            checkOpen();
        }

        @Override
        protected void ended(State outcome) {
            writers.remove(this);
        }
    }
}

package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.backend.common.shuffle.MapOutputs;
import dev.lifeboat.backend.common.shuffle.ShuffleIndexCodec;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.shuffle.BlockId;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.LossScope;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link ShuffleBlockStore} on an executor's local disk; see {@link LocalShuffleLayout} for
 * what is kept where.
 *
 * <p><b>Commit.</b> A writer streams every partition of one attempt into a temporary data file,
 * computing each block's length and CRC32C. {@code commit()} writes the index to a temporary
 * file, moves the data file to its committed name and creates the commit point
 * {@code <mapId>.index} as a hard link to the temporary index ({@link Files#createLink} never
 * replaces a file). The first attempt to link wins; a later attempt deletes its bytes and returns
 * the winner's status, decoded from the existing index. Commits of one root are serialised in the
 * JVM so that an attempt never moves its data over the data of a committed attempt with the same
 * number. Nothing is forced to disk: like Spark's local shuffle files, blocks are as durable as
 * the executor, and this store does not declare
 * {@link Capability#SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR}.
 *
 * <p><b>Reads.</b> {@link #openBlock} reads the data file at the status' location with positional
 * reads and verifies the block's length and CRC32C; a missing or damaged block is a
 * {@link BlockUnavailableException} whose scope says what is gone: the location's root
 * ({@link LossScope#LOCATION}), the shuffle's folder ({@link LossScope#SHUFFLE}), or the map
 * output's index or data ({@link LossScope#MAP_OUTPUT}).
 */
public final class LocalShuffleBlockStore implements ShuffleBlockStore {
    private static final Map<Path, Object> COMMIT_LOCKS = new ConcurrentHashMap<>();

    private final LocalShuffleLayout layout;
    private final String location;
    private final Object commitLock;
    private final Set<LocalShuffleMapOutputWriter> writers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private LocalShuffleBlockStore(LocalShuffleLayout layout, Object commitLock) {
        this.layout = layout;
        this.location = layout.root().toString();
        this.commitLock = commitLock;
    }

    /** Opens the store, creating its root if absent. */
    public static LocalShuffleBlockStore open(LocalShuffleSettings settings) throws IOException {
        requireNonNull(settings, "settings is null");
        Files.createDirectories(settings.root());
        Object lock = COMMIT_LOCKS.computeIfAbsent(settings.root().toRealPath(), r -> new Object());
        return new LocalShuffleBlockStore(new LocalShuffleLayout(settings.root()), lock);
    }

    @Override
    public MapOutputWriter openMapOutput(MapOutputId id, int numPartitions) throws IOException {
        MapOutputs.checkOpen(id, numPartitions);
        ensureOpen();
        Files.createDirectories(layout.shuffleDir(id.shuffleId()));
        Path temp = layout.tempDataFile(id, unique());
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        LocalShuffleMapOutputWriter writer = new LocalShuffleMapOutputWriter(this, id, numPartitions, temp, channel);
        writers.add(writer);
        if (closed) {
            writer.close();
            ensureOpen();
        }
        return writer;
    }

    @Override
    public InputStream openBlock(MapStatus status, int reduceId) throws IOException {
        requireNonNull(status, "status is null");
        long length = status.length(reduceId); // validates reduceId
        ensureOpen();
        BlockId block = status.blockId(reduceId);
        String where = status.location();
        Path root;
        try {
            root = Path.of(where);
        } catch (InvalidPathException e) {
            throw new BlockUnavailableException(
                    block, where, LossScope.LOCATION, "not a local shuffle store location", e);
        }
        if (!root.isAbsolute() || !Files.isDirectory(root)) {
            throw new BlockUnavailableException(
                    block, where, LossScope.LOCATION, "the store's directory is gone", null);
        }
        LocalShuffleLayout at = new LocalShuffleLayout(root);
        MapOutputId id = status.id();
        if (!Files.isDirectory(at.shuffleDir(id.shuffleId()))) {
            throw new BlockUnavailableException(
                    block, where, LossScope.SHUFFLE, "the folder of shuffle " + id.shuffleId() + " is gone", null);
        }
        MapStatus committed = readCommitted(at, id.shuffleId(), id.mapId(), where, block);
        if (!committed.equals(status)) {
            throw new BlockUnavailableException(
                    block,
                    where,
                    LossScope.MAP_OUTPUT,
                    "the committed index (" + committed + ") does not match the status (" + status + ")",
                    null);
        }
        Path data = at.dataFile(id);
        FileChannel channel;
        try {
            channel = FileChannel.open(data, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BlockUnavailableException(
                    block, where, LossScope.MAP_OUTPUT, "the data file " + data + " is gone", e);
        }
        long stored = channel.size();
        if (stored != status.totalBytes()) {
            channel.close();
            throw new BlockUnavailableException(
                    block,
                    where,
                    LossScope.MAP_OUTPUT,
                    "the data file " + data + " has " + stored + " bytes but the committed output has "
                            + status.totalBytes(),
                    null);
        }
        InputStream blockBytes =
                new BufferedInputStream(new PositionalInputStream(channel, status.offset(reduceId), length), 64 * 1024);
        return new VerifyingInputStream(
                blockBytes,
                length,
                status.checksum(reduceId),
                detail -> new BlockUnavailableException(
                        block,
                        where,
                        LossScope.MAP_OUTPUT,
                        "block in " + data + " fails verification: " + detail,
                        null));
    }

    @Override
    public List<MapStatus> committedMapOutputs() throws IOException {
        ensureOpen();
        TreeMap<Integer, Path> shuffles = new TreeMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.root())) {
            for (Path dir : dirs) {
                OptionalInt sid =
                        LocalShuffleLayout.shuffleIdOf(dir.getFileName().toString());
                if (sid.isPresent() && Files.isDirectory(dir)) {
                    shuffles.put(sid.getAsInt(), dir);
                }
            }
        }
        List<MapStatus> out = new ArrayList<>();
        for (Map.Entry<Integer, Path> shuffle : shuffles.entrySet()) {
            List<Long> mapIds = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(shuffle.getValue(), "*.index")) {
                for (Path f : files) {
                    LocalShuffleLayout.mapIdOfIndex(f.getFileName().toString()).ifPresent(mapIds::add);
                }
            } catch (NoSuchFileException e) {
                continue; // removed meanwhile
            }
            mapIds.sort(Comparator.naturalOrder());
            for (long mapId : mapIds) {
                Path index = layout.indexFile(shuffle.getKey(), mapId);
                try {
                    out.add(ShuffleIndexCodec.decode(Files.readAllBytes(index), location));
                } catch (NoSuchFileException e) {
                    // removed meanwhile
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void removeShuffle(int shuffleId) throws IOException {
        MapOutputs.checkShuffleId(shuffleId);
        ensureOpen();
        Path removing = layout.removingDir(shuffleId, unique());
        try {
            Files.move(layout.shuffleDir(shuffleId), removing, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        LocalCheckpointFiles.deleteRecursively(removing);
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Closeables.closeAll(List.copyOf(writers));
    }

    @Override
    public String toString() {
        return "LocalShuffleBlockStore[" + location + "]";
    }

    // ---- used by writers

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("shuffle block store " + location + " is closed");
        }
    }

    LocalShuffleLayout layout() {
        return layout;
    }

    void writerEnded(LocalShuffleMapOutputWriter writer) {
        writers.remove(writer);
    }

    /**
     * Publishes a finished attempt whose bytes are in {@code tempData}: the first attempt of the
     * map task to get here wins; a later one's bytes are deleted.
     *
     * @return the status of the winning attempt
     */
    MapStatus publish(MapOutputId id, long[] lengths, int[] checksums, Path tempData) throws IOException {
        Path index = layout.indexFile(id.shuffleId(), id.mapId());
        synchronized (commitLock) {
            ensureOpen();
            if (!Files.exists(index)) {
                Path tempIndex = layout.tempIndexFile(id, unique());
                try {
                    Files.write(
                            tempIndex,
                            ShuffleIndexCodec.encode(id, lengths, checksums),
                            StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                    Files.move(
                            tempData,
                            layout.dataFile(id),
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    Files.createLink(index, tempIndex);
                    return new MapStatus(id, location, lengths, checksums);
                } catch (FileAlreadyExistsException e) {
                    // another process committed this map task first: fall through and lose
                    MapStatus winner = readWinner(index);
                    if (winner.id().attempt() != id.attempt()) {
                        Files.deleteIfExists(layout.dataFile(id));
                    }
                    return winner;
                } finally {
                    Files.deleteIfExists(tempIndex);
                }
            }
        }
        Files.deleteIfExists(tempData);
        return readWinner(index);
    }

    private MapStatus readWinner(Path index) throws IOException {
        return ShuffleIndexCodec.decode(Files.readAllBytes(index), location);
    }

    private static MapStatus readCommitted(
            LocalShuffleLayout at, int shuffleId, long mapId, String where, BlockId block)
            throws BlockUnavailableException {
        Path index = at.indexFile(shuffleId, mapId);
        try {
            return ShuffleIndexCodec.decode(Files.readAllBytes(index), where);
        } catch (NoSuchFileException e) {
            throw new BlockUnavailableException(
                    block, where, LossScope.MAP_OUTPUT, "the index " + index + " is gone", e);
        } catch (CorruptDataException e) {
            throw new BlockUnavailableException(
                    block, where, LossScope.MAP_OUTPUT, "the index " + index + " is damaged: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BlockUnavailableException(
                    block, where, LossScope.MAP_OUTPUT, "the index " + index + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String unique() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** Reads {@code length} bytes of a channel from {@code position} with positional reads. */
    private static final class PositionalInputStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private long remaining;

        PositionalInputStream(FileChannel channel, long position, long length) {
            this.channel = channel;
            this.position = position;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
            if (n > 0) {
                position += n;
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}

package dev.lifeboat.backend.chronicle.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Damages the cycle files of a Chronicle write-ahead log, bypassing the queue.
 *
 * <p>A cycle file is preallocated and sparse: its length on disk says nothing about what it
 * holds. So the length of a {@link StoredKind#WAL_SEGMENT} here is the file offset just after its
 * last excerpt (0 for a cycle without one), offsets are file offsets, and
 * {@link #truncate} zeroes the bytes from the cut to that end (the file keeps its size), which
 * is what a cut file looks like to Chronicle, which maps it whole. Chronicle keeps an excerpt's
 * length in a header in front of it, so a cut that leaves that header whole leaves an excerpt
 * of that length whose tail reads as zeros.
 */
public final class ChronicleFaults implements StorageFaults {
    private final ChronicleWalSettings settings;

    public ChronicleFaults(ChronicleWalSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public List<StoredObject> list(StoredKind kind) throws IOException {
        requireNonNull(kind, "kind is null");
        Path dir = settings.directory();
        if (kind != StoredKind.WAL_SEGMENT || !Files.isRegularFile(dir.resolve("metadata.cq4t"))) {
            return List.of();
        }
        Map<String, long[]> extents = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
                    .forEach(p -> extents.put(p.toString(), new long[] {0, -1}));
        }
        try (SingleChronicleQueue queue =
                        SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
                ExcerptTailer t = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    File file = t.currentFile();
                    long[] extent = extents.get(file.toString());
                    if (extent == null) {
                        continue;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    extent[0] = bytes.readLimit();
                    if (extent[1] < 0 && bytes.readRemaining() >= RecordFrame.HEADER_BYTES) {
                        byte[] header = new byte[RecordFrame.HEADER_BYTES];
                        bytes.read(bytes.readPosition(), header, 0, header.length);
                        RecordFrame.Header h = RecordFrame.decodeHeader(ByteBuffer.wrap(header));
                        extent[1] = h == null ? -1 : h.lsn();
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot list the cycle files of " + dir + ": " + e, e);
        }
        List<StoredObject> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : extents.entrySet()) {
            long[] extent = e.getValue();
            out.add(new StoredObject(
                    StoredKind.WAL_SEGMENT,
                    e.getKey(),
                    extent[1] < 0 ? "unknown" : Long.toString(extent[1]),
                    extent[0]));
        }
        return out;
    }

    @Override
    public void flipByte(StoredObject object, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(path(object), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (offset < 0 || offset >= ch.size()) {
                throw new IllegalArgumentException("offset " + offset + " is outside " + object.name());
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) ~one.get(0)).rewind();
            ch.write(one, offset);
            ch.force(false);
        }
    }

    @Override
    public void truncate(StoredObject object, long length) throws IOException {
        long end = current(object).length();
        if (length < 0 || length > end) {
            throw new IllegalArgumentException(
                    "length " + length + " is outside " + object.name() + " (" + end + " bytes of excerpts)");
        }
        try (FileChannel ch = FileChannel.open(path(object), StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 16, Math.max(1, end - length)));
            for (long pos = length; pos < end; pos += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
                ch.write(zeros, pos);
            }
            ch.force(false);
        }
    }

    @Override
    public void delete(StoredObject object) throws IOException {
        Files.delete(path(object));
    }

    private StoredObject current(StoredObject object) throws IOException {
        for (StoredObject o : list(object.kind())) {
            if (o.name().equals(object.name())) {
                return o;
            }
        }
        throw new NoSuchFileException(object.name(), null, "not a cycle file of " + settings.directory());
    }

    private Path path(StoredObject object) throws NoSuchFileException {
        Path p = Path.of(object.name());
        if (!p.startsWith(settings.directory()) || !Files.isRegularFile(p)) {
            throw new NoSuchFileException(object.name(), null, "not a cycle file of " + settings.directory());
        }
        return p;
    }
}

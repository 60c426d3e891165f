package dev.lifeboat.backend.chronicle.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.Wires;

/**
 * The cycle files of one open queue, as {@link ChronicleLogStorage} sees them: the sorted list of
 * cycles (refreshed from the directory, or extended by the writer as it creates them), the file of
 * each, the start of a cycle on the queue's clock, and what a file holds at a given offset when
 * the queue itself cannot say (bytes of an excerpt Chronicle never finished).
 */
final class ChronicleCycles {
    /** Bytes after a damaged last excerpt that must be zero for it to be a torn tail. */
    static final int ZERO_WINDOW = 1 << 20;
    /** Chronicle's table of the queue, next to the cycle files. */
    static final String QUEUE_METADATA = "metadata.cq4t";
    /** Times an fsync is repeated after an interrupt of the calling thread closed its channel. */
    static final int MAX_INTERRUPT_RETRIES = 16;

    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final RollingResourcesCache names;
    private final Path directory;
    private final boolean writable;
    private final CycleClock clock;
    private volatile int[] cycles = new int[0];

    ChronicleCycles(SingleChronicleQueue queue, Path directory, boolean writable, CycleClock clock) {
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.directory = directory;
        this.writable = writable;
        this.clock = clock;
        String suffix = SingleChronicleQueue.SUFFIX;
        File dir = directory.toFile();
        this.names = new RollingResourcesCache(
                rollCycle,
                queue.epoch(),
                name -> new File(dir, name + suffix),
                file -> file.getName().substring(0, file.getName().length() - suffix.length()));
    }

    SingleChronicleQueue queue() {
        return queue;
    }

    RollCycle rollCycle() {
        return rollCycle;
    }

    Path directory() {
        return directory;
    }

    CycleClock clock() {
        return clock;
    }

    /** The cycles with a file, oldest first, as last listed or extended. */
    int[] list() {
        return cycles;
    }

    /** The cycle file of {@code cycle}. */
    Path file(int cycle) {
        return names.resourceFor(cycle).path.toPath();
    }

    /** The start of {@code cycle} on the queue's clock. */
    long cycleStart(int cycle) {
        return queue.epoch() + (long) cycle * rollCycle.lengthInMillis();
    }

    /** Lists the cycle files again; a read-only view also raises its clock to the newest. */
    void refresh() {
        try {
            if (!writable) {
                queue.refreshDirectoryListing();
            }
            int firstCycle = queue.firstCycle();
            int lastCycle = queue.lastCycle();
            if (firstCycle == Integer.MAX_VALUE || lastCycle < firstCycle) {
                cycles = new int[0];
                return;
            }
            var set = queue.listCyclesBetween(firstCycle, lastCycle);
            int[] cs = new int[set.size()];
            int i = 0;
            for (Long c : set) {
                cs[i++] = c.intValue();
            }
            cycles = cs;
            if (!writable && cs.length > 0) {
                clock.raiseFloor(cycleStart(cs[cs.length - 1]));
            }
        } catch (RuntimeException e) {
            throw new UncheckedIOException(failure("listing the cycles of " + directory, e));
        }
    }

    /** Adds a cycle the writer created; cheaper than listing the directory again. */
    void add(int cycle) {
        int[] cs = cycles;
        if (cs.length == 0 || cs[cs.length - 1] < cycle) {
            int[] more = Arrays.copyOf(cs, cs.length + 1);
            more[cs.length] = cycle;
            cycles = more;
        } else if (Arrays.binarySearch(cs, cycle) < 0) {
            refresh();
        }
    }

    /** After cycle files were deleted: Chronicle's listing and ours again. */
    void afterDeletes() throws IOException {
        try {
            queue.refreshDirectoryListing();
        } catch (RuntimeException e) {
            throw failure("listing " + directory, e);
        }
        refresh();
    }

    /** An excerpt's bytes with Chronicle's header, aligned as Chronicle aligns them (4 bytes). */
    static long align(long n) {
        return (n + 3) & ~3L;
    }

    /** A failure of Chronicle Queue as the {@link IOException} it wraps, or one naming the step. */
    static IOException failure(String what, RuntimeException e) {
        if (e.getCause() instanceof IOException io && e instanceof UncheckedIOException) {
            return io;
        }
        return new IOException("Chronicle Queue failed " + what + ": " + e, e);
    }

    // ------------------------------------------------------------------ durability

    /** fsync of a file or directory; an interrupt of the calling thread retries it rather than failing. */
    static void force(Path path) throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    forceOnce(path);
                    return;
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt >= MAX_INTERRUPT_RETRIES) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void forceOnce(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ch.force(true);
            }
        } else if (Files.exists(path)) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
        }
    }

    // ------------------------------------------------------------------ bytes Chronicle does not show

    /** The 4-byte Chronicle header at {@code position} of the file; 0 past its end. */
    static int headerAt(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (position + 4 > ch.size() || ch.read(header, position) < 4) {
                return 0;
            }
            return header.getInt(0);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * What follows an excerpt whose next header would be at {@code position}: -1 if nothing does
     * (zeros, or Chronicle's end-of-file marker), else the offset of the first byte that is
     * neither: an excerpt, or bytes of one never finished.
     */
    static long afterExcerpt(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (position + 4 > ch.size() || ch.read(header, position) < 4) {
                return -1;
            }
            int h = header.getInt(0);
            if (h == Wires.END_OF_DATA) {
                return -1;
            }
            if (h == 0) {
                return lastNonZero(file, position, ZERO_WINDOW) < 0 ? -1 : position;
            }
            return position;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /** The offset of the last non-zero byte in {@code [from, from + window)} of the file; -1 if none. */
    static long lastNonZero(Path file, long from, int window) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = Math.min(ch.size(), from + window);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long found = -1;
            for (long pos = from; pos < end; pos += buf.capacity()) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) != 0) {
                        found = pos + i;
                    }
                }
            }
            return found;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }
}

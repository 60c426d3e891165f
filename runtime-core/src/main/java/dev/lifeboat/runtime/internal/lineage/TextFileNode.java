package dev.lifeboat.runtime.internal.lineage;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The lines of a text file, or of every regular file in a directory (sorted by name), split into
 * byte ranges of about {@code total size / minPartitions} (as Hadoop's text input does, so there are
 * at least {@code minPartitions} of them). A line belongs to the range its first byte is in, so every line is read exactly
 * once however the ranges fall; {@code \n} and {@code \r\n} end lines; UTF-8.
 */
public final class TextFileNode extends Node {
    /** As in Hadoop's FileInputFormat: a file's last split may be this much larger than the goal. */
    private static final double SPLIT_SLOP = 1.1;

    private final List<FileSplit> splits;

    public TextFileNode(int id, String callSite, Path path, int minPartitions) {
        super(id, "textFile", callSite, List.of());
        this.splits = split(path, minPartitions);
    }

    @Override
    public int numPartitions() {
        return splits.size();
    }

    @Override
    protected Iterator<Object> compute(int partition, ComputeContext ctx) {
        try {
            return splits.get(partition).readLines().iterator();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + splits.get(partition), e);
        }
    }

    private static List<FileSplit> split(Path path, int minPartitions) {
        requireNonNull(path, "path is null");
        if (minPartitions < 1) {
            throw new IllegalArgumentException("minPartitions must be at least 1, not " + minPartitions);
        }
        List<Path> files;
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> s = Files.list(path)) {
                    files = s.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().startsWith("_")
                                    && !p.getFileName().toString().startsWith("."))
                            .sorted()
                            .toList();
                }
            } else if (Files.isRegularFile(path)) {
                files = List.of(path);
            } else {
                throw new IllegalArgumentException("text input " + path + " is neither a file nor a directory");
            }
            long total = 0;
            for (Path f : files) {
                total += Files.size(f);
            }
            long goal = Math.max(1, total / minPartitions);
            List<FileSplit> result = new ArrayList<>();
            for (Path f : files) {
                long size = Files.size(f);
                long start = 0;
                while ((double) (size - start) / goal > SPLIT_SLOP) {
                    result.add(new FileSplit(f, start, goal));
                    start += goal;
                }
                result.add(new FileSplit(f, start, size - start)); // the rest, up to 10% over the goal
            }
            if (result.isEmpty()) {
                throw new IllegalArgumentException("text input directory " + path + " has no files");
            }
            return List.copyOf(result);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list text input " + path, e);
        }
    }

    /** Bytes {@code [start, start + length)} of a file. */
    record FileSplit(Path file, long start, long length) {
        List<Object> readLines() throws IOException {
            List<Object> lines = new ArrayList<>();
            long end = start + length;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                long pos = 0;
                if (start > 0) {
                    in.skipNBytes(start - 1);
                    pos = start - 1;
                    int b;
                    while ((b = in.read()) != -1) { // the line in progress belongs to the range before
                        pos++;
                        if (b == '\n') {
                            break;
                        }
                    }
                }
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                while (pos < end) {
                    line.reset();
                    int b;
                    boolean any = false;
                    while ((b = in.read()) != -1) {
                        pos++;
                        any = true;
                        if (b == '\n') {
                            break;
                        }
                        line.write(b);
                    }
                    if (!any) {
                        break;
                    }
                    byte[] bytes = line.toByteArray();
                    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    lines.add(new String(bytes, 0, n, StandardCharsets.UTF_8));
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return file + " bytes " + start + "+" + length;
        }
    }
}

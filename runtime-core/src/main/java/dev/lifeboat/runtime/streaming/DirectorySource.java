package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A replayable source over a directory of text files: offset {@code i} is the {@code i}-th file in
 * name order (files whose names start with {@code .} or {@code _} are in progress and ignored). A
 * batch reads every line of its files. Producers must add files atomically (write a hidden file,
 * then rename) with names that sort after every existing file, and never change a file.
 */
public final class DirectorySource implements Source {
    private final Path directory;

    public DirectorySource(Path directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    @Override
    public String name() {
        return "directory " + directory;
    }

    @Override
    public long initialOffset() {
        return 0;
    }

    @Override
    public long latestOffset() throws IOException {
        return files().size();
    }

    @Override
    public List<String> read(long start, long end) throws IOException {
        List<Path> files = files();
        Ranges.check(start, end, files.size());
        List<String> out = new ArrayList<>();
        for (Path file : files.subList((int) start, (int) end)) {
            out.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        return out;
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return !n.startsWith(".") && !n.startsWith("_") && Files.isRegularFile(p);
                    })
                    .sorted()
                    .toList();
        }
    }
}

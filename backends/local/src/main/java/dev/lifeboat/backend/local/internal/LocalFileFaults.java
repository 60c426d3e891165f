package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link StorageFaults} over the files below a root directory. Each local store supplies a
 * classifier that says which of its files hold what; damage is done with plain file I/O,
 * bypassing the store.
 */
public final class LocalFileFaults implements StorageFaults {
    private final Path root;
    private final Function<Path, Optional<StoredObject>> classifier;

    /**
     * @param root the store's root directory
     * @param classifier maps a regular file below {@code root} to what it holds, or empty for
     *     files that are not data (locks, temporary files)
     */
    public LocalFileFaults(Path root, Function<Path, Optional<StoredObject>> classifier) {
        this.root = requireNonNull(root, "root is null");
        this.classifier = requireNonNull(classifier, "classifier is null");
    }

    @Override
    public List<StoredObject> list(StoredKind kind) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(classifier)
                    .flatMap(Optional::stream)
                    .filter(o -> o.kind() == kind)
                    .sorted(Comparator.comparing(StoredObject::name))
                    .collect(Collectors.toList());
        }
    }

    @Override
    public void flipByte(StoredObject object, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(path(object), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (offset < 0 || offset >= ch.size()) {
                throw new IllegalArgumentException(
                        "offset " + offset + " is outside " + object.name() + " (" + ch.size() + " bytes)");
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) ~one.get(0));
            one.rewind();
            ch.write(one, offset);
            ch.force(true);
        }
    }

    @Override
    public void truncate(StoredObject object, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(path(object), StandardOpenOption.WRITE)) {
            if (length < 0 || length > ch.size()) {
                throw new IllegalArgumentException(
                        "length " + length + " is outside " + object.name() + " (" + ch.size() + " bytes)");
            }
            ch.truncate(length);
            ch.force(true);
        }
    }

    @Override
    public void delete(StoredObject object) throws IOException {
        Files.delete(path(object));
    }

    @Override
    public void append(StoredObject object, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path(object), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }

    private Path path(StoredObject object) throws NoSuchFileException {
        Path p = Path.of(object.name());
        if (!p.startsWith(root) || !Files.isRegularFile(p)) {
            throw new NoSuchFileException(object.name(), null, "not a file of the store at " + root);
        }
        return p;
    }
}

package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
        List<StoredObject> found = new ArrayList<>();
        // The store (or the engine above it, cleaning up) may delete files and folders while this
        // walks them: what vanished mid-walk is simply not listed.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    classifier.apply(file).filter(o -> o.kind() == kind).ifPresent(found::add);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(Comparator.comparing(StoredObject::name));
        return found;
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

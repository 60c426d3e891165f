package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.Attempts;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CheckpointStore} in a local directory; see {@link LocalCheckpointLayout} for what is
 * kept where.
 *
 * <p><b>Commit.</b> A writer streams each part into its attempt's folder and forces it to disk
 * when the part is closed. {@code commit()} writes and forces the attempt's manifest and forces
 * the folders, then, holding the store's {@linkplain LocalCheckpointCommitLock commit lock},
 * checks the epoch, raises the recorded highest epoch if needed and publishes the manifest by
 * creating a hard link at the id's commit point ({@link Files#createLink}, which never replaces
 * an existing file: the first commit wins, across threads and processes) and forces the
 * commit point's folder. A crash at any moment leaves either the whole checkpoint committed or
 * nothing visible, and what commit returned survives a crash of the process or the machine.
 *
 * <p><b>Fencing.</b> The highest epoch that ever committed is kept in the {@code epoch} file. A
 * commit with epoch {@code e > 0} is refused with {@link FencedException} if {@code e} is lower
 * than that; a commit with {@code e} higher than it raises it before publishing. Epoch
 * {@code 0} means "not taking part in an election": such commits are neither fenced nor raise the
 * epoch (so a store can serve unfenced tools and fenced drivers; a deposed leader always carries
 * its stale epoch, never 0).
 *
 * <p><b>Delete and garbage collection.</b> {@code delete} removes the commit point first (the id
 * stops being listed at once), then moves the attempt folder to {@code trash/} and removes it.
 * {@code collectGarbage} moves to {@code trash/} every attempt folder that no commit point refers
 * to and whose attempt id says it started at least {@code minAge} ago, then empties
 * {@code trash/}. Age is the only protection of a running writer, in this JVM as in any other
 * (the store cannot tell a slow writer from a dead one): a writer whose attempt is collected
 * fails its commit, because the folder is moved away atomically under the commit lock, instead of
 * publishing a checkpoint with missing parts.
 */
public final class LocalCheckpointStore implements CheckpointStore {
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.CHECKPOINT_EPOCH_FENCING, Capability.CHECKPOINT_CROSS_PROCESS, Capability.CHECKPOINT_DURABLE));

    private final LocalCheckpointSettings settings;
    private final LocalCheckpointLayout layout;
    private final LocalCheckpointCommitLock commitLock;
    private final Set<LocalCheckpointWriter> writers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private LocalCheckpointStore(
            LocalCheckpointSettings settings, LocalCheckpointLayout layout, LocalCheckpointCommitLock commitLock) {
        this.settings = settings;
        this.layout = layout;
        this.commitLock = commitLock;
    }

    /** Opens the store, creating its folders if absent. */
    public static LocalCheckpointStore open(LocalCheckpointSettings settings) throws IOException {
        requireNonNull(settings, "settings is null");
        LocalCheckpointLayout layout = new LocalCheckpointLayout(settings.root());
        LocalCheckpointFiles.createDirectoriesDurably(layout.committedDir());
        LocalCheckpointFiles.createDirectoriesDurably(layout.attemptsDir());
        LocalCheckpointFiles.createDirectoriesDurably(layout.trashDir());
        Path realRoot = settings.root().toRealPath();
        return new LocalCheckpointStore(
                settings, layout, LocalCheckpointCommitLock.forRoot(realRoot, layout.lockFile()));
    }

    LocalCheckpointLayout layout() {
        return layout;
    }

    @Override
    public CheckpointWriter begin(CheckpointId id, long epoch) throws IOException {
        requireNonNull(id, "id is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch is negative: " + epoch);
        }
        ensureOpen();
        String attemptId = Attempts.newAttemptId();
        try {
            Files.createDirectories(layout.partsDir(attemptId));
            LocalCheckpointWriter writer = new LocalCheckpointWriter(this, id, epoch, attemptId);
            writers.add(writer);
            if (closed) {
                writer.close();
                throw new IllegalStateException("checkpoint store " + layout.root() + " is closed");
            }
            return writer;
        } catch (IOException | RuntimeException e) {
            LocalCheckpointFiles.deleteRecursively(layout.attemptDir(attemptId));
            throw e;
        }
    }

    @Override
    public Optional<Checkpoint> open(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        ensureOpen();
        Path file = layout.committedManifest(id);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        CheckpointInfo info = decodeManifest(bytes, file);
        if (!info.id().equals(id)) {
            throw new CorruptDataException(
                    file.toString(), -1, "manifest of checkpoint '" + id + "' names checkpoint '" + info.id() + "'");
        }
        return Optional.of(new LocalCheckpoint(this, info, layout));
    }

    @Override
    public List<CheckpointId> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        ensureOpen();
        List<CheckpointId> ids = new ArrayList<>();
        if (prefix.isEmpty()) {
            collectIds(layout.committedDir(), ids);
        } else {
            String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            Names.validate("checkpoint id prefix", trimmed);
            CheckpointId exact = CheckpointId.of(trimmed);
            if (Files.isRegularFile(layout.committedManifest(exact), LinkOption.NOFOLLOW_LINKS)) {
                ids.add(exact);
            }
            collectIds(layout.committedDirUnder(trimmed), ids);
        }
        ids.removeIf(id -> !id.hasPrefix(prefix));
        Collections.sort(ids);
        return List.copyOf(ids);
    }

    @Override
    public boolean delete(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        ensureOpen();
        Path file = layout.committedManifest(id);
        Optional<Optional<String>> unpublished = commitLock.call(settings.lockTimeout(), () -> {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            // a manifest that cannot be read leaves its attempt to garbage collection
            Optional<String> attemptId = attemptOf(file);
            Files.delete(file);
            LocalCheckpointFiles.fsyncDirectory(file.getParent());
            LocalCheckpointFiles.pruneEmptyDirectories(file.getParent(), layout.committedDir());
            if (attemptId.isPresent()) {
                moveToTrash(attemptId.get());
            }
            return Optional.of(attemptId);
        });
        if (unpublished.isEmpty()) {
            return false;
        }
        if (unpublished.get().isPresent()) {
            LocalCheckpointFiles.deleteRecursively(
                    layout.trashDir().resolve(unpublished.get().get()));
        }
        return true;
    }

    @Override
    public int collectGarbage(Duration minAge) throws IOException {
        requireNonNull(minAge, "minAge is null");
        if (minAge.isNegative()) {
            throw new IllegalArgumentException("minAge is negative: " + minAge);
        }
        ensureOpen();
        int removed = commitLock.call(settings.lockTimeout(), () -> {
            Set<String> referenced = referencedAttempts();
            long now = System.currentTimeMillis();
            int count = 0;
            try (DirectoryStream<Path> attempts = Files.newDirectoryStream(layout.attemptsDir())) {
                for (Path dir : attempts) {
                    String attemptId = dir.getFileName().toString();
                    if (!Attempts.isAttemptId(attemptId)
                            || referenced.contains(attemptId)
                            || now - Attempts.startMillis(attemptId) < minAge.toMillis()
                            || isPublished(layout.attemptManifest(attemptId))) {
                        continue;
                    }
                    moveToTrash(attemptId);
                    count++;
                }
            }
            return count;
        });
        try (DirectoryStream<Path> trash = Files.newDirectoryStream(layout.trashDir())) {
            for (Path p : trash) {
                LocalCheckpointFiles.deleteRecursively(p);
            }
        }
        return removed;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
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
        return "LocalCheckpointStore[" + layout.root() + "]";
    }

    // ---- used by writers and checkpoints

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("checkpoint store " + layout.root() + " is closed");
        }
    }

    /**
     * Publishes a written and forced attempt: under the commit lock, checks the epoch and that
     * the id is not committed, raises the highest epoch, links the manifest to the commit point
     * and forces its folder.
     *
     * @throws OutcomeUnknownException if the link was made but could not be made durable
     */
    void publish(CheckpointInfo info, Path attemptManifest) throws IOException {
        CheckpointId id = info.id();
        Path target = layout.committedManifest(id);
        commitLock.call(settings.lockTimeout(), () -> {
            ensureOpen();
            long highest = readHighestEpoch();
            if (info.epoch() > 0 && info.epoch() < highest) {
                throw new FencedException("commit of checkpoint '" + id + "'", info.epoch(), highest);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new AlreadyCommittedException(id);
            }
            if (!Files.isRegularFile(attemptManifest)) {
                throw new NoSuchFileException(
                        attemptManifest.toString(),
                        null,
                        "attempt " + info.attemptId() + " of checkpoint '" + id
                                + "' was removed before its commit (garbage-collected as abandoned?)");
            }
            if (info.epoch() > highest) {
                LocalCheckpointFiles.replaceDurably(
                        layout.epochFile(), (info.epoch() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            LocalCheckpointFiles.createDirectoriesDurably(target.getParent());
            try {
                Files.createLink(target, attemptManifest);
            } catch (FileAlreadyExistsException e) {
                throw new AlreadyCommittedException(id);
            }
            try {
                LocalCheckpointFiles.fsyncDirectory(target.getParent());
            } catch (IOException e) {
                throw new OutcomeUnknownException(
                        "checkpoint '" + id + "' was linked at " + target
                                + " but its folder could not be forced to disk; it may not survive a crash",
                        e);
            }
            return null;
        });
    }

    void attemptEnded(LocalCheckpointWriter writer) {
        writers.remove(writer);
    }

    /** The highest epoch that committed, 0 if none did. */
    long readHighestEpoch() throws IOException {
        Path file = layout.epochFile();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return 0;
        }
        try {
            long epoch = Long.parseLong(text);
            if (epoch < 0) {
                throw new NumberFormatException("negative");
            }
            return epoch;
        } catch (NumberFormatException e) {
            throw new CorruptDataException(file.toString(), 0, "not an epoch: '" + text + "'", e);
        }
    }

    // ---- internals

    private static CheckpointInfo decodeManifest(byte[] bytes, Path file) throws CorruptDataException {
        CheckpointInfo info = ManifestCodec.decode(bytes, file.toString());
        if (!Attempts.isAttemptId(info.attemptId())) {
            throw new CorruptDataException(
                    file.toString(), -1, "manifest names an invalid attempt id '" + info.attemptId() + "'");
        }
        return info;
    }

    private Optional<String> attemptOf(Path committedManifest) throws IOException {
        try {
            return Optional.of(decodeManifest(Files.readAllBytes(committedManifest), committedManifest)
                    .attemptId());
        } catch (CorruptDataException | NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Whether an attempt manifest has another link (a commit point we could not read). */
    private static boolean isPublished(Path attemptManifest) throws IOException {
        try {
            Object links = Files.getAttribute(attemptManifest, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            return links instanceof Integer n && n > 1;
        } catch (NoSuchFileException e) {
            return false;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return false; // no unix view: rely on the manifests alone
        }
    }

    private Set<String> referencedAttempts() throws IOException {
        Set<String> attempts = new HashSet<>();
        walkCommitted(layout.committedDir(), file -> attemptOf(file).ifPresent(attempts::add));
        return attempts;
    }

    private void moveToTrash(String attemptId) throws IOException {
        try {
            Files.move(
                    layout.attemptDir(attemptId), layout.trashDir().resolve(attemptId), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // already gone
        }
    }

    private void collectIds(Path dir, List<CheckpointId> ids) throws IOException {
        walkCommitted(dir, file -> layout.idOf(file).ifPresent(ids::add));
    }

    @FunctionalInterface
    private interface FileAction {
        void accept(Path file) throws IOException;
    }

    /** Visits the regular files below {@code dir}, tolerating folders removed meanwhile. */
    private static void walkCommitted(Path dir, FileAction action) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    action.accept(file);
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
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

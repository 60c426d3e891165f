package dev.lifeboat.backend.hadoop.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.AbstractCheckpoint;
import dev.lifeboat.backend.common.checkpoint.AbstractCheckpointWriter;
import dev.lifeboat.backend.common.checkpoint.Attempts;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints on a Hadoop file system (layout: {@link CheckpointLayout}). Parts and the manifest
 * are written and synced under the attempt's own directory; the commit renames that directory
 * to the checkpoint's directory with {@link org.apache.hadoop.fs.Options.Rename#NONE}, which
 * fails when the target exists. On HDFS that rename is one atomic namenode operation, so exactly
 * one attempt wins across processes; on file systems whose rename is a check then a move, commits
 * are serialised within this JVM only (and {@link Capability#CHECKPOINT_CROSS_PROCESS} is not
 * declared). Nothing relies on overwrite semantics: no file is ever created over another.
 *
 * <p><b>Epoch fencing</b> (declared where renames are atomic for their source and listings
 * consistent: HDFS and the local file system). A commit with epoch {@code e > 0} works in an
 * attempt directory named with its epoch; after writing its manifest there, it reads the highest
 * fence ({@code fence/<epoch>} files): a greater one refuses it with {@link FencedException}.
 * The first commit of a newer epoch first creates its fence file, then lists the attempt
 * directories and moves those of older epochs (above 0) to {@code trash/}. The two sides write
 * first and look second, so at least one sees the other: an older commit that passed its check
 * has its attempt directory either renamed into place already (visible before the fence's
 * commit returns) or moved away by the fence, in which case its own rename finds no source and it
 * reports {@link FencedException}. The two renames of one directory are one atomic namespace
 * operation each; exactly one succeeds. Cost per commit with an epoch: one directory listing of
 * {@code fence/}; a fence adds one create, one listing of {@code attempts/} and one rename per
 * attempt of an older epoch.
 */
public final class HadoopCheckpointStore implements CheckpointStore {
    /** Serialises commits of one checkpoint directory within the JVM. */
    private static final ConcurrentHashMap<String, Object> COMMIT_LOCKS = new ConcurrentHashMap<>();

    private final HadoopFs fs;
    private final CheckpointLayout layout;
    private final Set<Capability> capabilities;
    private final Set<Writer> writers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public HadoopCheckpointStore(HadoopFs fs, Set<Capability> capabilities) throws IOException {
        this.fs = requireNonNull(fs, "fs is null");
        this.layout = new CheckpointLayout(fs.root());
        this.capabilities = Set.copyOf(capabilities);
        fs.fs().mkdirs(layout.committed);
        fs.fs().mkdirs(layout.attempts);
    }

    /** The guarantees a store on {@code fs} can keep. */
    public static Set<Capability> capabilitiesOf(HadoopFs fs) {
        return new FsFeatures(false, false, fs.leaseRecoverable(), fs.isLocal()).checkpointCapabilities();
    }

    @Override
    public CheckpointWriter begin(CheckpointId id, long epoch) throws IOException {
        Writer w = new Writer(id, epoch, Attempts.newAttemptId()); // checks id and epoch
        checkOpen();
        writers.add(w);
        return w;
    }

    @Override
    public Optional<Checkpoint> open(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        Path dir = layout.dirOf(id);
        Path manifest = new Path(dir, CheckpointLayout.MANIFEST);
        byte[] bytes;
        try (FSDataInputStream in = fs.fs().open(manifest)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        CheckpointInfo info = ManifestCodec.decode(bytes, manifest.toString());
        if (!info.id().equals(id)) {
            throw new CorruptDataException(
                    manifest.toString(),
                    -1,
                    "the manifest of checkpoint '" + id + "' names checkpoint '" + info.id() + "'");
        }
        return Optional.of(new Stored(info, dir));
    }

    @Override
    public List<CheckpointId> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        checkOpen();
        List<String> segments = new ArrayList<>();
        for (String s : prefix.split("/", -1)) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        boolean usable = segments.stream().allMatch(s -> !s.equals(".") && !s.equals(".."));
        List<String> start = usable ? segments : List.of();
        List<CheckpointId> ids = new ArrayList<>();
        if (!start.isEmpty()) {
            try {
                CheckpointId itself = CheckpointId.of(String.join("/", start));
                if (fs.fs().exists(layout.dirOf(itself))) {
                    ids.add(itself); // the prefix is itself a checkpoint id
                }
            } catch (IllegalArgumentException e) {
                // not a valid id: only ids below it can match
            }
            List<String> encoded = new ArrayList<>();
            start.forEach(s -> encoded.add(NameCodec.encode(s)));
            walk(layout.namespaceOf(start), encoded, ids);
        } else {
            walk(layout.committed, new ArrayList<>(), ids);
        }
        ids.removeIf(id -> !id.hasPrefix(prefix));
        Collections.sort(ids);
        return ids;
    }

    private void walk(Path dir, List<String> encodedPath, List<CheckpointId> out) throws IOException {
        Deque<Object[]> todo = new ArrayDeque<>();
        todo.add(new Object[] {dir, encodedPath});
        while (!todo.isEmpty()) {
            Object[] next = todo.poll();
            Path d = (Path) next[0];
            @SuppressWarnings("unchecked")
            List<String> path = (List<String>) next[1];
            FileStatus[] children;
            try {
                children = fs.fs().listStatus(d);
            } catch (FileNotFoundException e) {
                continue;
            }
            for (FileStatus child : children) {
                if (!child.isDirectory()) {
                    continue;
                }
                String name = child.getPath().getName();
                List<String> childPath = new ArrayList<>(path);
                childPath.add(name);
                if (name.endsWith(CheckpointLayout.SUFFIX)) {
                    try {
                        out.add(CheckpointLayout.idOf(childPath));
                    } catch (IllegalArgumentException e) {
                        // not a name Lifeboat wrote: ignore
                    }
                } else if (!name.contains("@")) {
                    todo.add(new Object[] {child.getPath(), childPath});
                }
            }
        }
    }

    @Override
    public boolean delete(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        Path dir = layout.dirOf(id);
        if (!fs.fs().exists(dir)) {
            return false;
        }
        fs.fs().mkdirs(layout.trash);
        Path doomed = new Path(layout.trash, Attempts.newAttemptId());
        // The rename makes the checkpoint disappear at once; the bytes go after.
        if (!fs.fs().rename(dir, doomed)) {
            return false;
        }
        fs.delete(doomed, true);
        return true;
    }

    @Override
    public int collectGarbage(Duration minAge) throws IOException {
        requireNonNull(minAge, "minAge is null");
        checkOpen();
        long cutoff = System.currentTimeMillis() - minAge.toMillis();
        int removed = 0;
        for (FileStatus attempt : listOrEmpty(layout.attempts)) {
            Optional<String> name =
                    CheckpointLayout.attemptIdOf(attempt.getPath().getName());
            if (name.isPresent() && Attempts.startMillis(name.get()) <= cutoff) {
                if (fs.delete(attempt.getPath(), true)) {
                    removed++;
                }
            }
        }
        for (FileStatus doomed : listOrEmpty(layout.trash)) {
            fs.delete(doomed.getPath(), true);
        }
        return removed;
    }

    /** The highest epoch that fenced older ones; 0 if none did. */
    private long highestFence() throws IOException {
        long highest = 0;
        for (FileStatus f : listOrEmpty(layout.fence)) {
            try {
                highest = Math.max(highest, Long.parseLong(f.getPath().getName()));
            } catch (NumberFormatException e) {
                // not a fence file
            }
        }
        return highest;
    }

    /**
     * Fences every epoch below {@code epoch}: creates its fence file, then moves the attempt
     * directories of older epochs (above 0) away, so their commits find no source to rename.
     */
    private void fence(long epoch) throws IOException {
        try {
            fs.createExclusive(layout.fenceFile(epoch), true).close();
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            // another writer of this epoch fenced already; moving the old attempts again is harmless
        }
        fs.fs().mkdirs(layout.trash);
        for (FileStatus attempt : listOrEmpty(layout.attempts)) {
            String name = attempt.getPath().getName();
            long e = CheckpointLayout.epochOf(name);
            if (e > 0 && e < epoch) {
                try {
                    fs.fs().rename(attempt.getPath(), new Path(layout.trash, name));
                } catch (FileNotFoundException gone) {
                    // committed or collected meanwhile
                }
            }
        }
    }

    private FileStatus[] listOrEmpty(Path dir) throws IOException {
        try {
            return fs.fs().listStatus(dir);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
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
                // best effort: collectGarbage removes what is left
            }
        }
        fs.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the checkpoint store " + fs + " is closed");
        }
    }

    @Override
    public String toString() {
        return "HadoopCheckpointStore[" + fs + "]";
    }

    /** A committed checkpoint: its parts are numbered files in its directory. */
    private final class Stored extends AbstractCheckpoint {
        private final Path dir;

        Stored(CheckpointInfo info, Path dir) {
            super(info);
            this.dir = dir;
        }

        @Override
        protected InputStream openStored(PartInfo part, int index) throws IOException {
            try {
                return fs.fs().open(CheckpointLayout.partPath(dir, index));
            } catch (FileNotFoundException e) {
                throw new NoSuchFileException(
                        "checkpoint '" + info().id() + "' part '" + part.name() + "'",
                        null,
                        "its bytes are gone (the checkpoint was deleted?)");
            }
        }

        @Override
        protected String describe(PartInfo part, int index) {
            return CheckpointLayout.partPath(dir, index).toString();
        }
    }

    /** One attempt: the protocol is {@link AbstractCheckpointWriter}'s; parts are numbered files. */
    private final class Writer extends AbstractCheckpointWriter {
        private final Path dir;

        Writer(CheckpointId id, long epoch, String attemptId) {
            super(id, epoch, attemptId);
            this.dir = layout.attemptDir(attemptId, epoch);
        }

        @Override
        protected PartOutput openPartOutput(String name, int index) throws IOException {
            FSDataOutputStream file;
            try {
                file = fs.createExclusive(CheckpointLayout.partPath(dir, index), true);
            } catch (IOException e) {
                // Off HDFS, creating a file makes its parents and then opens it: a newer epoch's
                // fence can move the attempt directory away between the two.
                throwIfFenced(e);
                throw e;
            }
            return new PartOutput() {
                @Override
                public OutputStream stream() {
                    return file;
                }

                @Override
                public void finish() throws IOException {
                    fs.closeDurably(file);
                }

                @Override
                public void abandon() throws IOException {
                    file.close(); // deleted with the attempt
                }
            };
        }

        @Override
        protected CheckpointInfo publish(CheckpointInfo info) throws IOException {
            CheckpointId id = info.id();
            long epoch = info.epoch();
            try {
                FSDataOutputStream out = fs.createExclusive(new Path(dir, CheckpointLayout.MANIFEST), true);
                try {
                    out.write(ManifestCodec.encode(info));
                } catch (IOException e) {
                    try {
                        out.close();
                    } catch (IOException c) {
                        e.addSuppressed(c);
                    }
                    throw e;
                }
                fs.closeDurably(out);
                if (epoch > 0) {
                    long fenced = highestFence();
                    if (fenced > epoch) {
                        throw new FencedException("commit of checkpoint '" + id + "'", epoch, fenced);
                    }
                    if (fenced < epoch) {
                        fence(epoch);
                    }
                }
                Path target = layout.dirOf(id);
                boolean won;
                Object lock = COMMIT_LOCKS.computeIfAbsent(target.toString(), k -> new Object());
                synchronized (lock) {
                    try {
                        won = fs.renameIfAbsent(dir, target);
                    } catch (IOException e) {
                        throwIfFenced(e);
                        if (e instanceof FileNotFoundException) {
                            throw e; // the attempt directory is gone: collected as garbage meanwhile
                        }
                        return reconcile(target, e);
                    }
                }
                if (!won) {
                    throw new AlreadyCommittedException(id);
                }
                return info;
            } catch (AlreadyCommittedException | OutcomeUnknownException | FencedException e) {
                throw e;
            } catch (IOException e) {
                abort(e); // first: a fence that moved the attempt away is told by its absence
                throwIfFenced(e);
                throw e;
            }
        }

        /**
         * Throws {@link FencedException} if {@code failure} came from a newer epoch moving this
         * attempt's directory away (its files vanish under the writer, whatever it was doing).
         */
        private void throwIfFenced(IOException failure) throws IOException {
            if (epoch() > 0 && !fs.fs().exists(dir)) {
                long fenced = highestFence();
                if (fenced > epoch()) {
                    FencedException f = new FencedException("writer of checkpoint '" + id() + "'", epoch(), fenced);
                    f.initCause(failure);
                    throw f;
                }
            }
        }

        /** After a rename whose outcome is unknown: reads back which attempt, if any, is committed. */
        private CheckpointInfo reconcile(Path target, IOException failure) throws IOException {
            Optional<Checkpoint> now;
            try {
                now = HadoopCheckpointStore.this.open(id());
            } catch (IOException e) {
                failure.addSuppressed(e);
                throw new OutcomeUnknownException(
                        "commit of checkpoint '" + id() + "' to " + target + " may or may not have taken effect",
                        failure);
            }
            if (now.isPresent() && now.get().info().attemptId().equals(attemptId())) {
                return now.get().info();
            }
            if (now.isPresent()) {
                AlreadyCommittedException e = new AlreadyCommittedException(id());
                e.initCause(failure);
                throw e;
            }
            // its directory may still be renamed later; collectGarbage removes it otherwise
            throw new OutcomeUnknownException(
                    "commit of checkpoint '" + id() + "' to " + target + " may or may not have taken effect", failure);
        }

        @Override
        protected void discard(IOException cause) throws IOException {
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

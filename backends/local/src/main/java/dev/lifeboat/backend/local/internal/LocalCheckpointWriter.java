package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.io.Crc32cOutputStream;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One attempt at writing a local checkpoint: parts are streamed into the attempt's own folder
 * (never buffered whole in memory) and forced to disk when closed; {@code commit()} writes the
 * manifest and asks the store to publish it. See {@link LocalCheckpointStore}.
 */
final class LocalCheckpointWriter implements CheckpointWriter {
    private static final int BUFFER_BYTES = 64 * 1024;

    private enum State {
        WRITING,
        COMMITTED,
        ABORTED
    }

    private final LocalCheckpointStore store;
    private final LocalCheckpointLayout layout;
    private final CheckpointId id;
    private final long epoch;
    private final String attemptId;
    private final List<PartInfo> parts = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private PartStream current;
    private volatile State state = State.WRITING;

    LocalCheckpointWriter(LocalCheckpointStore store, CheckpointId id, long epoch, String attemptId) {
        this.store = store;
        this.layout = store.layout();
        this.id = id;
        this.epoch = epoch;
        this.attemptId = attemptId;
    }

    @Override
    public CheckpointId id() {
        return id;
    }

    @Override
    public String attemptId() {
        return attemptId;
    }

    @Override
    public synchronized OutputStream openPart(String name) throws IOException {
        Names.validate("part name", name);
        checkWriting();
        if (names.contains(name)) {
            throw new IllegalArgumentException(
                    "part '" + name + "' was already written in attempt " + attemptId + " of checkpoint '" + id + "'");
        }
        finishCurrent();
        Path file = layout.partFile(attemptId, name);
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        names.add(name);
        current = new PartStream(name, ch);
        return current;
    }

    @Override
    public synchronized CheckpointInfo commit() throws IOException {
        checkWriting();
        store.ensureOpen();
        boolean published = false;
        try {
            finishCurrent();
            CheckpointInfo info = new CheckpointInfo(id, epoch, attemptId, System.currentTimeMillis(), parts);
            Path manifest = layout.attemptManifest(attemptId);
            LocalCheckpointFiles.writeNew(manifest, ManifestCodec.encode(info));
            forceFolders(layout.partsDir(attemptId));
            LocalCheckpointFiles.fsyncDirectory(layout.attemptDir(attemptId));
            LocalCheckpointFiles.fsyncDirectory(layout.attemptsDir());
            try {
                store.publish(info, manifest);
            } catch (OutcomeUnknownException e) {
                published = true; // the link exists: never remove its parts
                throw e;
            }
            published = true;
            return info;
        } catch (IOException | RuntimeException e) {
            if (!published) {
                try {
                    abort();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        } finally {
            if (published) {
                state = State.COMMITTED;
                store.attemptEnded(this);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (state == State.WRITING) {
            abort();
        }
    }

    @Override
    public String toString() {
        return "LocalCheckpointWriter[" + id + " attempt " + attemptId + ", " + state + "]";
    }

    private void abort() throws IOException {
        state = State.ABORTED;
        try {
            if (current != null) {
                current.abandon();
                current = null;
            }
            LocalCheckpointFiles.deleteRecursively(layout.attemptDir(attemptId));
        } finally {
            store.attemptEnded(this);
        }
    }

    private void checkWriting() {
        switch (state) {
            case COMMITTED ->
                throw new IllegalStateException(
                        "attempt " + attemptId + " of checkpoint '" + id + "' is already committed");
            case ABORTED ->
                throw new IllegalStateException("attempt " + attemptId + " of checkpoint '" + id
                        + "' was aborted (closed, failed or its store closed)");
            default -> {}
        }
    }

    private void finishCurrent() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private synchronized void partFinished(String name, long length, int crc32c) {
        parts.add(new PartInfo(name, length, crc32c));
        if (current != null && current.name.equals(name)) {
            current = null;
        }
    }

    /** A part could not be finished: the attempt can never commit, so it is aborted. */
    private synchronized void partFailed(IOException failure) {
        current = null;
        if (state == State.WRITING) {
            try {
                abort();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Forces every folder below {@code dir} (hierarchical part names make nested folders). */
    private static void forceFolders(Path dir) throws IOException {
        List<Path> folders = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(folders::add);
        }
        for (Path p : folders) {
            LocalCheckpointFiles.fsyncDirectory(p);
        }
    }

    /** The stream of one part: buffered, checksummed, forced to disk on close. */
    private final class PartStream extends OutputStream {
        private final String name;
        private final FileChannel channel;
        private final Crc32cOutputStream out;
        private boolean closed;

        PartStream(String name, FileChannel channel) {
            this.name = name;
            this.channel = channel;
            this.out =
                    new Crc32cOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES));
        }

        @Override
        public void write(int b) throws IOException {
            checkOpen();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            checkOpen();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (FileChannel ch = channel) {
                out.flush();
                ch.force(true);
            } catch (IOException e) {
                partFailed(e);
                throw e;
            }
            partFinished(name, out.count(), out.crc32c());
        }

        void abandon() {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                // the attempt is being deleted anyway
            }
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException(
                        "part '" + name + "' of checkpoint '" + id + "' (attempt " + attemptId + ") is closed");
            }
        }
    }
}

package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.checkpoint.AbstractCheckpointWriter;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One attempt at writing a local checkpoint: parts are streamed into the attempt's own folder
 * (never buffered whole in memory) and forced to disk when finished; {@code commit()} writes the
 * manifest and asks the store to publish it. The protocol is {@link AbstractCheckpointWriter}'s;
 * see {@link LocalCheckpointStore}.
 */
final class LocalCheckpointWriter extends AbstractCheckpointWriter {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final LocalCheckpointStore store;
    private final LocalCheckpointLayout layout;
    /** Lent to the part being written; one part is open at a time. */
    private ByteBuffer buffer;

    LocalCheckpointWriter(LocalCheckpointStore store, CheckpointId id, long epoch, String attemptId) {
        super(id, epoch, attemptId);
        this.store = store;
        this.layout = store.layout();
    }

    @Override
    protected PartOutput openPartOutput(String name, int index) throws IOException {
        Path file = layout.partFile(attemptId(), name);
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(BUFFER_BYTES); // parts are written one at a time
        }
        OutputStream buffered = new LocalPartStream(channel, buffer);
        return new PartOutput() {
            @Override
            public OutputStream stream() {
                return buffered;
            }

            @Override
            public void finish() throws IOException {
                try (FileChannel ch = channel) {
                    buffered.flush();
                    ch.force(true);
                }
            }

            @Override
            public void abandon() throws IOException {
                channel.close(); // the attempt is being deleted
            }
        };
    }

    @Override
    protected CheckpointInfo publish(CheckpointInfo info) throws IOException {
        Path manifest = layout.attemptManifest(attemptId());
        LocalCheckpointFiles.writeNew(manifest, ManifestCodec.encode(info));
        forceFolders(layout.partsDir(attemptId()));
        LocalCheckpointFiles.fsyncDirectory(layout.attemptDir(attemptId()));
        LocalCheckpointFiles.fsyncDirectory(layout.attemptsDir());
        store.publish(info, manifest); // OutcomeUnknownException: the link exists, the parts stay
        return info;
    }

    @Override
    protected void discard(IOException cause) throws IOException {
        LocalCheckpointFiles.deleteRecursively(layout.attemptDir(attemptId()));
    }

    @Override
    protected void checkStoreOpen() {
        store.ensureOpen();
    }

    @Override
    protected void ended(State outcome) {
        store.attemptEnded(this);
    }

    @Override
    public String toString() {
        return "LocalCheckpointWriter[" + id() + " attempt " + attemptId() + ", " + state() + "]";
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
}

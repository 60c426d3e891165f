package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A committed local checkpoint: its manifest, and its parts read with verification. */
final class LocalCheckpoint implements Checkpoint {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final LocalCheckpointStore store;
    private final CheckpointInfo info;
    private final LocalCheckpointLayout layout;

    LocalCheckpoint(LocalCheckpointStore store, CheckpointInfo info, LocalCheckpointLayout layout) {
        this.store = store;
        this.info = info;
        this.layout = layout;
    }

    @Override
    public CheckpointInfo info() {
        return info;
    }

    @Override
    public InputStream openPart(String name) throws IOException {
        java.util.Objects.requireNonNull(name, "name is null");
        store.ensureOpen();
        PartInfo part = info.part(name)
                .orElseThrow(() -> new NoSuchFileException(
                        name, null, "checkpoint '" + info.id() + "' has no part '" + name + "'"));
        Path file = layout.partFile(info.attemptId(), name);
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(
                    file.toString(),
                    null,
                    "part '" + name + "' of checkpoint '" + info.id()
                            + "' is gone (the checkpoint was deleted, or its bytes were lost)");
        }
        String where = "checkpoint '" + info.id() + "' part '" + name + "' (" + file + ")";
        return VerifyingInputStream.ofWholeObject(
                new BufferedInputStream(in, BUFFER_BYTES),
                part.length(),
                part.crc32c(),
                detail -> new CorruptDataException(where, -1, detail));
    }

    @Override
    public String toString() {
        return "LocalCheckpoint[" + info.id() + " attempt " + info.attemptId() + ", "
                + info.parts().size() + " parts]";
    }
}

package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.checkpoint.AbstractCheckpoint;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A committed local checkpoint: its manifest, and its parts read with verification. */
final class LocalCheckpoint extends AbstractCheckpoint {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final LocalCheckpointStore store;
    private final LocalCheckpointLayout layout;

    LocalCheckpoint(LocalCheckpointStore store, CheckpointInfo info, LocalCheckpointLayout layout) {
        super(info);
        this.store = store;
        this.layout = layout;
    }

    @Override
    protected InputStream openStored(PartInfo part, int index) throws IOException {
        Path file = layout.partFile(info().attemptId(), part.name());
        try {
            return new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(
                    file.toString(),
                    null,
                    "part '" + part.name() + "' of checkpoint '" + info().id()
                            + "' is gone (the checkpoint was deleted, or its bytes were lost)");
        }
    }

    @Override
    protected String describe(PartInfo part, int index) {
        return layout.partFile(info().attemptId(), part.name()).toString();
    }

    @Override
    protected void checkStoreOpen() {
        store.ensureOpen();
    }
}

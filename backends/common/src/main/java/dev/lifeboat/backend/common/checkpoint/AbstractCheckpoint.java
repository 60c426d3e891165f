package dev.lifeboat.backend.common.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;

/**
 * A committed checkpoint, read the same way on every backend: a part is looked up in the manifest
 * ({@link NoSuchFileException} if the checkpoint has no such part) and its bytes are verified while
 * they are read, against the length and CRC32C the manifest promised
 * ({@link CorruptDataException} naming the part and where it is stored). A backend supplies
 * {@link #openStored} and {@link #describe}.
 */
public abstract class AbstractCheckpoint implements Checkpoint {
    private final CheckpointInfo info;

    protected AbstractCheckpoint(CheckpointInfo info) {
        this.info = requireNonNull(info, "info");
    }

    /**
     * Opens the stored bytes of {@code part}, the {@code index}-th of the checkpoint.
     *
     * @throws NoSuchFileException if they are gone (the checkpoint was deleted, or its bytes lost)
     */
    protected abstract InputStream openStored(PartInfo part, int index) throws IOException;

    /** Where {@code part} is stored (a path, a key), for messages. */
    protected abstract String describe(PartInfo part, int index);

    /** Throws {@link IllegalStateException} if the store was closed. */
    protected void checkStoreOpen() {}

    @Override
    public final CheckpointInfo info() {
        return info;
    }

    @Override
    public final InputStream openPart(String name) throws IOException {
        requireNonNull(name, "name");
        checkStoreOpen();
        int index = -1;
        for (int i = 0; i < info.parts().size(); i++) {
            if (info.parts().get(i).name().equals(name)) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            throw new NoSuchFileException(
                    "checkpoint '" + info.id() + "' part '" + name + "'", null, "the checkpoint has no such part");
        }
        PartInfo part = info.parts().get(index);
        InputStream in = openStored(part, index);
        String where = "checkpoint '" + info.id() + "' part '" + name + "' (" + describe(part, index) + ")";
        return VerifyingInputStream.ofWholeObject(
                in, part.length(), part.crc32c(), detail -> new CorruptDataException(where, -1, detail));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + info.id() + " attempt " + info.attemptId() + ", "
                + info.parts().size() + " parts]";
    }
}

package dev.lifeboat.spi.checkpoint;

import java.io.IOException;
import java.io.InputStream;

/** A committed checkpoint, opened for reading. Its parts never change once committed. */
public interface Checkpoint {
    /** The manifest: id, epoch, attempt, parts with lengths and CRC32Cs. */
    CheckpointInfo info();

    /**
     * Opens one part. The stream verifies the part's length and CRC32C against the manifest as
     * it is read and, at its end, throws {@link dev.lifeboat.spi.CorruptDataException} naming the
     * checkpoint and the part on a mismatch. Callers must read to the end before trusting bytes.
     *
     * @throws java.nio.file.NoSuchFileException if the manifest has no such part, or its bytes
     *     are gone (the checkpoint was deleted meanwhile)
     */
    InputStream openPart(String name) throws IOException;

    /** Reads and verifies a whole part. */
    default byte[] readPart(String name) throws IOException {
        try (InputStream in = openPart(name)) {
            return in.readAllBytes();
        }
    }
}

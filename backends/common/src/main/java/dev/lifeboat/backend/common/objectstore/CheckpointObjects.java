package dev.lifeboat.backend.common.objectstore;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The few storage calls {@link ObjectStoreCheckpoints} needs from a backend. Keys are the
 * backend's own (as {@link CheckpointKeys} builds them); listings need not be in any order.
 */
public interface CheckpointObjects {
    /** The keys of the objects below {@code prefix} that may hold a manifest (a backend leaves out what never does). */
    List<String> listNames(String prefix) throws IOException;

    /** The distinct "folders" just below {@code prefix} (which ends with {@code /}), each ending with {@code /}. */
    List<String> listFolders(String prefix) throws IOException;

    /** Deletes every object whose key starts with {@code folder}. */
    void deleteFolder(String folder) throws IOException;

    /**
     * The committed manifest of {@code id}, or empty if there is none.
     *
     * @throws CorruptDataException if the manifest is there but cannot be read
     */
    Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException;
}

package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells fault injection which files of a local checkpoint store hold what: commit points are
 * {@link StoredKind#CHECKPOINT_MANIFEST} (key: the id), part files of committed attempts are
 * {@link StoredKind#CHECKPOINT_PART} (key: {@code id/part}). Attempt manifests (the same file as
 * the commit point, by hard link), uncommitted attempts, the epoch and lock files are not listed.
 */
public final class LocalCheckpointFaults {
    private LocalCheckpointFaults() {}

    /** Fault injection over the store rooted at {@code settings.root()}. */
    public static LocalFileFaults of(LocalCheckpointSettings settings) {
        LocalCheckpointLayout layout = new LocalCheckpointLayout(settings.root());
        return new LocalFileFaults(settings.root(), file -> classify(layout, file));
    }

    static Optional<StoredObject> classify(LocalCheckpointLayout layout, Path file) {
        try {
            Optional<CheckpointId> id = layout.idOf(file);
            if (id.isPresent()) {
                return Optional.of(new StoredObject(
                        StoredKind.CHECKPOINT_MANIFEST,
                        file.toString(),
                        id.get().value(),
                        Files.size(file)));
            }
            Optional<LocalCheckpointLayout.PartFile> part = layout.partOf(file);
            if (part.isPresent()) {
                String attemptId = part.get().attemptId();
                Path manifest = layout.attemptManifest(attemptId);
                CheckpointInfo info = ManifestCodec.decode(Files.readAllBytes(manifest), manifest.toString());
                Path commitPoint = layout.committedManifest(info.id());
                if (Files.exists(commitPoint) && Files.isSameFile(commitPoint, manifest)) {
                    return Optional.of(new StoredObject(
                            StoredKind.CHECKPOINT_PART,
                            file.toString(),
                            info.id().value() + "/" + part.get().partName(),
                            Files.size(file)));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or vanished meanwhile: not a target
        }
    }
}

package dev.lifeboat.backend.local.internal;

import dev.lifeboat.backend.common.shuffle.ShuffleIndexCodec;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Tells fault injection which files of a local shuffle block store hold what: committed indexes
 * are {@link StoredKind#SHUFFLE_INDEX}, the data files of committed attempts are
 * {@link StoredKind#SHUFFLE_DATA}, both keyed {@code shuffleId/mapId}. Temporary files and
 * data of attempts no index names are not listed.
 */
public final class LocalShuffleFaults {
    private LocalShuffleFaults() {}

    /** Fault injection over the store rooted at {@code settings.root()}. */
    public static LocalFileFaults of(LocalShuffleSettings settings) {
        LocalShuffleLayout layout = new LocalShuffleLayout(settings.root());
        return new LocalFileFaults(settings.root(), file -> classify(layout, file));
    }

    static Optional<StoredObject> classify(LocalShuffleLayout layout, Path file) {
        Path dir = file.getParent();
        if (dir == null || !layout.root().equals(dir.getParent())) {
            return Optional.empty();
        }
        OptionalInt shuffleId = LocalShuffleLayout.shuffleIdOf(dir.getFileName().toString());
        if (shuffleId.isEmpty()) {
            return Optional.empty();
        }
        int sid = shuffleId.getAsInt();
        String name = file.getFileName().toString();
        try {
            Optional<Long> indexOf = LocalShuffleLayout.mapIdOfIndex(name);
            if (indexOf.isPresent()) {
                return Optional.of(new StoredObject(
                        StoredKind.SHUFFLE_INDEX, file.toString(), sid + "/" + indexOf.get(), Files.size(file)));
            }
            Optional<MapOutputId> dataOf = LocalShuffleLayout.mapOutputOfData(sid, name);
            if (dataOf.isPresent()) {
                Path index = layout.indexFile(sid, dataOf.get().mapId());
                MapStatus committed = ShuffleIndexCodec.decode(Files.readAllBytes(index), index.toString());
                if (committed.id().equals(dataOf.get())) {
                    return Optional.of(new StoredObject(
                            StoredKind.SHUFFLE_DATA,
                            file.toString(),
                            sid + "/" + dataOf.get().mapId(),
                            Files.size(file)));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or vanished meanwhile: not a target
        }
    }
}

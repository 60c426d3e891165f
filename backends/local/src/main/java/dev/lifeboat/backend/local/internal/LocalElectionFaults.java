package dev.lifeboat.backend.local.internal;

import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Tells fault injection which file of a local election group holds its state: the epoch file is
 * {@link StoredKind#ELECTION_STATE} (key: {@code epoch}). The lock file holds no data.
 */
public final class LocalElectionFaults {
    private LocalElectionFaults() {}

    /** Fault injection over the group at {@code settings.root()}. */
    public static LocalFileFaults of(LocalElectionSettings settings) {
        return new LocalFileFaults(settings.root(), file -> {
            if (!file.equals(LocalElectionFiles.epochFile(settings.root()))) {
                return Optional.empty();
            }
            try {
                return Optional.of(new StoredObject(
                        StoredKind.ELECTION_STATE, file.toString(), LocalElectionFiles.EPOCH_FILE, Files.size(file)));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }
}

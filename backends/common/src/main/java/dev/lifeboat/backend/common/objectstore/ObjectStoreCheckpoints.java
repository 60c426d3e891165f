package dev.lifeboat.backend.common.objectstore;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.Attempts;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The parts of a checkpoint store that read the same on every object store, written once over
 * {@link CheckpointObjects}: listing the committed ids (one LIST of the manifests) and collecting
 * abandoned attempts.
 *
 * <p><b>Garbage collection.</b> An attempt folder is removed when its attempt started (by the
 * writer's clock, read from the {@linkplain Attempts attempt id}) at or before the cut-off and no
 * manifest names the attempt. The checkpoint an attempt wrote for is read from the attempt folder's
 * sub-folders (see {@link CheckpointKeys}), so only that manifest is read. A manifest that cannot be
 * read keeps the attempt's bytes: losing a checkpoint is worse than keeping garbage. Folders that
 * are not attempt folders are left alone.
 */
public final class ObjectStoreCheckpoints {
    private final CheckpointKeys keys;
    private final CheckpointObjects objects;

    public ObjectStoreCheckpoints(CheckpointKeys keys, CheckpointObjects objects) {
        this.keys = requireNonNull(keys, "keys is null");
        this.objects = requireNonNull(objects, "objects is null");
    }

    /** The keys this instance works with. */
    public CheckpointKeys keys() {
        return keys;
    }

    /** The ids with a manifest below {@code prefix} (see {@link CheckpointId#hasPrefix}), in order, as listed. */
    public NavigableSet<CheckpointId> listCommitted(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        TreeSet<CheckpointId> ids = new TreeSet<>();
        for (String key : objects.listNames(keys.manifestsPrefix() + prefix)) {
            keys.idOfManifest(key).filter(id -> id.hasPrefix(prefix)).ifPresent(ids::add);
        }
        return ids;
    }

    /**
     * The cut-off for {@link #collectGarbage(long)}: attempts that started at or before it are old
     * enough to go.
     *
     * @throws IllegalArgumentException if {@code minAge} is negative
     */
    public static long cutoffMillis(Duration minAge) {
        requireNonNull(minAge, "minAge is null");
        if (minAge.isNegative()) {
            throw new IllegalArgumentException("minAge is negative: " + minAge);
        }
        return System.currentTimeMillis() - minAge.toMillis();
    }

    /** Whether {@code attemptId} is an attempt id that started at or before {@code cutoffMillis}. */
    public static boolean isOldAttempt(String attemptId, long cutoffMillis) {
        return Attempts.isAttemptId(attemptId) && Attempts.startMillis(attemptId) <= cutoffMillis;
    }

    /**
     * Removes every attempt folder whose attempt started at or before {@code cutoffMillis} and that
     * no manifest names (see the class comment).
     *
     * @return how many attempt folders were removed
     */
    public int collectGarbage(long cutoffMillis) throws IOException {
        String attempts = keys.attemptsPrefix();
        int removed = 0;
        for (String folder : objects.listFolders(attempts)) {
            if (!folder.startsWith(attempts) || !folder.endsWith("/")) {
                continue;
            }
            String attemptId = folder.substring(attempts.length(), folder.length() - 1);
            if (!isOldAttempt(attemptId, cutoffMillis) || isCommitted(attemptId, folder)) {
                continue;
            }
            objects.deleteFolder(folder);
            removed++;
        }
        return removed;
    }

    /** Whether a manifest names this attempt (then its parts are live), or may (it cannot be read). */
    private boolean isCommitted(String attemptId, String folder) throws IOException {
        for (String idFolder : objects.listFolders(folder)) {
            if (!idFolder.startsWith(folder) || idFolder.length() <= folder.length()) {
                continue;
            }
            Optional<CheckpointId> id =
                    CheckpointKeys.decodeId(idFolder.substring(folder.length(), idFolder.length() - 1));
            if (id.isEmpty()) {
                continue;
            }
            try {
                Optional<CheckpointInfo> info = objects.readManifest(id.get());
                if (info.isPresent() && info.get().attemptId().equals(attemptId)) {
                    return true;
                }
            } catch (CorruptDataException e) {
                return true; // cannot tell: keep the bytes rather than lose a checkpoint
            }
        }
        return false;
    }
}

package dev.lifeboat.backend.local.internal;

import dev.lifeboat.spi.CorruptDataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The files of a local election group:
 *
 * <pre>
 * root/
 *   leader.lock   held with an exclusive {@link java.nio.channels.FileLock} by the leader; the OS
 *                 releases it when the leader's process dies
 *   epoch         the epoch of the latest leadership, decimal text and a newline; written only by
 *                 the lock holder (temporary file, force, atomic move, force of the folder)
 *   epoch.tmp     the next epoch while it is written
 * </pre>
 */
public final class LocalElectionFiles {
    /** The lock file. */
    public static final String LOCK_FILE = "leader.lock";
    /** The epoch file. */
    public static final String EPOCH_FILE = "epoch";

    private static final Pattern EPOCH = Pattern.compile("\\d{1,18}\n");

    private LocalElectionFiles() {}

    static Path lockFile(Path root) {
        return root.resolve(LOCK_FILE);
    }

    static Path epochFile(Path root) {
        return root.resolve(EPOCH_FILE);
    }

    /**
     * The epoch of the latest leadership, 0 if there never was one.
     *
     * @throws CorruptDataException if the file is not an epoch (a torn or damaged write would
     *     otherwise let an epoch go backwards)
     */
    static long readEpoch(Path root) throws IOException {
        Path file = epochFile(root);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!EPOCH.matcher(text).matches()) {
            throw new CorruptDataException(
                    file.toString(),
                    0,
                    "not an election epoch (" + bytes.length
                            + " bytes); refusing to elect a leader whose epoch might not be greater than the last one");
        }
        return Long.parseLong(text.substring(0, text.length() - 1));
    }

    /** Replaces the epoch atomically and durably. The caller holds the leader lock. */
    static void writeEpoch(Path root, long epoch) throws IOException {
        LocalCheckpointFiles.replaceDurably(epochFile(root), (epoch + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}

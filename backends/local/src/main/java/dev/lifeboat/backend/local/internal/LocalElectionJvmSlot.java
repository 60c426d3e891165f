package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Arbitrates the candidates of one JVM on one election directory. A JVM can hold only one
 * {@link java.nio.channels.FileLock} on a file, and closing any channel of a file may release the
 * JVM's locks on it, so only the candidate that holds this slot ever opens the lock file: it
 * claims the slot, tries the file lock, and gives the slot back unless it got the lock (then it
 * keeps both until it stops leading).
 */
final class LocalElectionJvmSlot {
    private static final ConcurrentHashMap<Path, LocalElectionJvmSlot> BY_ROOT = new ConcurrentHashMap<>();

    private Object owner;

    private LocalElectionJvmSlot() {}

    /** The slot of the directory whose real path is {@code realRoot}. */
    static LocalElectionJvmSlot forRoot(Path realRoot) {
        return BY_ROOT.computeIfAbsent(requireNonNull(realRoot, "realRoot is null"), r -> new LocalElectionJvmSlot());
    }

    /** Claims the slot for {@code who}; true if it is free or already {@code who}'s. */
    synchronized boolean tryClaim(Object who) {
        if (owner == null) {
            owner = who;
        }
        return owner == who;
    }

    /** Frees the slot if {@code who} holds it. */
    synchronized void release(Object who) {
        if (owner == who) {
            owner = null;
        }
    }
}

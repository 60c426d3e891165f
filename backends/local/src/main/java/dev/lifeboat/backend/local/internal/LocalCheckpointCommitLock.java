package dev.lifeboat.backend.local.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock that serialises every change to a checkpoint store's committed state (publishing,
 * deleting, collecting garbage) between threads and processes. One instance exists per store
 * root per JVM (keyed by the root's real path), because a JVM can hold only one
 * {@link FileLock} on a file and closing any channel of a file may release the JVM's locks on
 * it: the in-JVM lock is always taken first, so only one thread of the JVM touches the lock file
 * at a time.
 */
final class LocalCheckpointCommitLock {
    private static final ConcurrentHashMap<Path, LocalCheckpointCommitLock> BY_ROOT = new ConcurrentHashMap<>();

    /** What runs under the lock. */
    @FunctionalInterface
    interface Action<T> {
        T run() throws IOException;
    }

    private final Path lockFile;
    private final ReentrantLock jvmLock = new ReentrantLock();

    private LocalCheckpointCommitLock(Path lockFile) {
        this.lockFile = lockFile;
    }

    /**
     * The lock of the store at {@code realRoot}.
     *
     * @param realRoot the root's real path ({@link Path#toRealPath}), so aliases share one lock
     */
    static LocalCheckpointCommitLock forRoot(Path realRoot, Path lockFile) {
        requireNonNull(lockFile, "lockFile is null");
        return BY_ROOT.computeIfAbsent(
                requireNonNull(realRoot, "realRoot is null"), r -> new LocalCheckpointCommitLock(lockFile));
    }

    /**
     * Runs {@code action} holding the in-JVM lock and an exclusive lock on the lock file.
     *
     * @throws IOException if the lock is not acquired within {@code timeout} (another process
     *     holds it), or what {@code action} throws
     */
    <T> T call(Duration timeout, Action<T> action) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException("Timed out after " + timeout + " waiting for the commit lock " + lockFile
                        + " (held by another thread of this JVM)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the commit lock " + lockFile);
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = acquire(ch, deadline, timeout);
            try {
                return action.run();
            } finally {
                lock.release();
            }
        } finally {
            jvmLock.unlock();
        }
    }

    private FileLock acquire(FileChannel ch, long deadline, Duration timeout) throws IOException {
        long sleepMillis = 1;
        while (true) {
            FileLock lock = ch.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("Timed out after " + timeout + " waiting for the commit lock " + lockFile
                        + " (held by another process)");
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the commit lock " + lockFile);
            }
            sleepMillis = Math.min(sleepMillis * 2, 20);
        }
    }
}

package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.backend.common.io.Closeables;
import dev.lifeboat.spi.ConcurrentWriterException;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The write-ahead log's writer lock: an empty file that the writer creates exclusively, keeps
 * open (on HDFS it holds the file's lease) and renews by setting its modification time every
 * heartbeat interval. Being empty, it has no block: creating and closing it involve no datanode.
 *
 * <p>A second writer finds the lock file and watches it. If the modification time changes, the
 * holder is alive and the second writer is refused with {@link ConcurrentWriterException}
 * (usually within one heartbeat). If it stays unchanged for the takeover time, the holder is
 * presumed dead: the lock file is deleted and created anew. Comparing only values read from the
 * file system, never clocks, makes this immune to clock skew between machines.
 *
 * <p>The lock tells live writers from dead ones; it is not what keeps the log consistent when a
 * presumed-dead writer was only paused. On HDFS that is the segment lease: the new writer
 * recovers the lease of the last segment before reading it, which fences the old writer (its
 * next flush fails), and segments are created exclusively. A holder whose heartbeat finds its lock
 * gone or replaced knows it was taken over and fails every later write.
 */
public final class WriterLock implements Closeable {
    private static final int ATTEMPTS = 3;

    private final HadoopFs fs;
    private final Path path;
    private final Duration heartbeat;
    private final FSDataOutputStream out;
    private final Thread renewer;
    private volatile long lastSet;
    private volatile String lost;
    private volatile boolean closed;

    private WriterLock(HadoopFs fs, Path path, Duration heartbeat, FSDataOutputStream out, long mtime) {
        this.fs = fs;
        this.path = path;
        this.heartbeat = heartbeat;
        this.out = out;
        this.lastSet = mtime;
        this.renewer = new Thread(
                this::renewLoop, "lifeboat-wal-lock-" + path.getParent().getName());
        this.renewer.setDaemon(true);
        this.renewer.start();
    }

    /**
     * Acquires the lock at {@code path}.
     *
     * @param logName names the log in messages
     * @throws ConcurrentWriterException if a live writer holds it
     */
    public static WriterLock acquire(HadoopFs fs, Path path, Duration heartbeat, Duration takeoverAfter, String logName)
            throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            FSDataOutputStream out;
            try {
                out = fs.createExclusive(path, false);
            } catch (FileAlreadyExistsException e) {
                takeOverIfSilent(fs, path, heartbeat, takeoverAfter, logName);
                continue;
            }
            try {
                long now = System.currentTimeMillis();
                fs.fs().setTimes(path, now, -1);
                return new WriterLock(fs, path, heartbeat, out, now);
            } catch (IOException | RuntimeException e) {
                try {
                    out.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        throw new ConcurrentWriterException("Another writer took the write-ahead log " + logName + " (lock " + path
                + ") while this one was trying to; open it again once that writer is closed");
    }

    /** Returns when the lock is gone or was deleted after being silent for {@code takeoverAfter}. */
    private static void takeOverIfSilent(
            HadoopFs fs, Path path, Duration heartbeat, Duration takeoverAfter, String logName) throws IOException {
        FileStatus first;
        try {
            first = fs.fs().getFileStatus(path);
        } catch (FileNotFoundException e) {
            return;
        }
        long poll = Math.max(10, Math.min(250, heartbeat.toMillis() / 2));
        long deadline = System.nanoTime() + takeoverAfter.toNanos();
        while (System.nanoTime() < deadline) {
            HadoopFs.sleep(Duration.ofMillis(poll));
            FileStatus now;
            try {
                now = fs.fs().getFileStatus(path);
            } catch (FileNotFoundException e) {
                return;
            }
            if (changed(first, now)) {
                throw new ConcurrentWriterException("The write-ahead log " + logName
                        + " already has a live writer: its lock " + path + " is being renewed. Close that writer"
                        + " first; a writer that dies is taken over once its lock has not been renewed for "
                        + takeoverAfter + " (option '" + HadoopOptions.TAKEOVER_AFTER + "')");
            }
        }
        // Silent for the whole takeover time: the holder is dead (or paused, and will be fenced).
        try {
            if (changed(first, fs.fs().getFileStatus(path))) {
                throw new ConcurrentWriterException("The write-ahead log " + logName
                        + " already has a live writer: its lock " + path + " was renewed just now");
            }
        } catch (FileNotFoundException e) {
            return;
        }
        fs.delete(path, false);
    }

    private static boolean changed(FileStatus before, FileStatus after) {
        return after.getModificationTime() != before.getModificationTime() || after.getLen() != before.getLen();
    }

    /** Why this writer lost its lock, if it did: another writer took the log over. */
    public String lostReason() {
        return lost;
    }

    /**
     * Checks the lock now (after a failed write, to tell a takeover from a storage failure).
     *
     * @return why the lock is lost, or null if it still looks held (or cannot be checked)
     */
    public synchronized String checkNow() {
        if (lost == null && !closed) {
            try {
                long mtime = fs.fs().getFileStatus(path).getModificationTime();
                if (mtime != lastSet && mtime != lastSet / 1000 * 1000) {
                    lost = "its lock " + path + " was replaced by another writer";
                }
            } catch (FileNotFoundException e) {
                lost = "its lock " + path + " was deleted by another writer taking the log over";
            } catch (IOException | RuntimeException e) {
                // unknown
            }
        }
        return lost;
    }

    private void renewLoop() {
        while (!closed && lost == null) {
            try {
                Thread.sleep(heartbeat.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            renewOnce();
        }
    }

    /** One heartbeat; synchronized with {@link #checkNow} so it never sees a half-done renewal. */
    private synchronized void renewOnce() {
        try {
            FileStatus status = fs.fs().getFileStatus(path);
            long mtime = status.getModificationTime();
            if (mtime != lastSet && mtime != lastSet / 1000 * 1000) { // some file systems keep whole seconds
                lost = "its lock " + path + " was replaced by another writer";
                return;
            }
            long next = Math.max(System.currentTimeMillis(), lastSet + 1);
            fs.fs().setTimes(path, next, -1);
            lastSet = next;
        } catch (FileNotFoundException e) {
            lost = "its lock " + path + " was deleted by another writer taking the log over";
        } catch (IOException | RuntimeException e) {
            // The file system is unreachable: keep trying. If a new writer takes over meanwhile,
            // the segment lease fences this one.
        }
    }

    /** Stops renewing, releases the lease and deletes the lock file so the next writer starts at once. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        renewer.interrupt();
        try {
            renewer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The lock file is deleted only if the lease was not lost (then it may be another writer's).
        AutoCloseable delete = lost == null ? () -> fs.delete(path, false) : null;
        Closeables.closeAll(out, delete);
    }
}

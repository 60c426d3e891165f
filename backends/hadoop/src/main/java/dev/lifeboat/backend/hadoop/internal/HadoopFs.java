package dev.lifeboat.backend.hadoop.internal;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.ipc.RemoteException;

/**
 * One store's own Hadoop {@link FileSystem} instance and the few primitives Lifeboat builds on:
 * exclusive create, rename that fails when the target exists, lease recovery, and what output
 * streams report they can do.
 *
 * <p>A {@link ChecksumFileSystem} (Hadoop's local file system) is unwrapped to its raw file
 * system: Lifeboat checksums every byte itself (CRC32C in record frames, manifests and indexes),
 * and the checksum layer can neither {@code hflush} nor {@code hsync}.
 */
public final class HadoopFs implements Closeable {
    private static final String ALREADY_BEING_CREATED = "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException";
    private static final String RECOVERY_IN_PROGRESS = "org.apache.hadoop.hdfs.protocol.RecoveryInProgressException";
    /**
     * The stream capability of {@code hflush}. Hadoop deprecates its constant (every stream with
     * hsync has hflush) but streams still answer it, and a stream may have hflush alone.
     */
    static final String HFLUSH = "hflush";

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RECOVER_AGAIN = Duration.ofSeconds(4);

    private final HadoopLocation location;
    private final FileSystem owner;
    private final FileSystem fs;
    private final Path root;

    private HadoopFs(HadoopLocation location, FileSystem owner, FileSystem fs) {
        this.location = location;
        this.owner = owner;
        this.fs = fs;
        this.root = fs.makeQualified(location.root());
    }

    static HadoopFs open(HadoopLocation location) throws IOException {
        FileSystem owner = FileSystem.newInstance(location.fsUri(), location.conf());
        FileSystem fs = owner instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : owner;
        return new HadoopFs(location, owner, fs);
    }

    public HadoopLocation location() {
        return location;
    }

    public FileSystem fs() {
        return fs;
    }

    /** The store's root directory, qualified. */
    public Path root() {
        return root;
    }

    /** Whether the file system has leases that a new writer can recover (HDFS): {@link LeaseRecoverable}. */
    public boolean leaseRecoverable() {
        return fs instanceof LeaseRecoverable;
    }

    /** Whether the file system is this machine's disk ({@code file:}), which a lost machine takes with it. */
    public boolean isLocal() {
        return fs instanceof RawLocalFileSystem || "file".equals(fs.getScheme().toLowerCase(Locale.ROOT));
    }

    /**
     * Creates {@code path} if and only if it does not exist, with its parents. Atomic on file
     * systems with a namespace server (HDFS); a check then a create elsewhere.
     *
     * @param syncBlock whether every block is forced to disk when it is finished
     *     ({@link CreateFlag#SYNC_BLOCK}, honoured by HDFS)
     * @throws FileAlreadyExistsException if it exists (or, on HDFS, another client is creating it)
     */
    public FSDataOutputStream createExclusive(Path path, boolean syncBlock) throws IOException {
        EnumSet<CreateFlag> flags =
                syncBlock ? EnumSet.of(CreateFlag.CREATE, CreateFlag.SYNC_BLOCK) : EnumSet.of(CreateFlag.CREATE);
        FsPermission permission = FsPermission.getFileDefault().applyUMask(FsPermission.getUMask(fs.getConf()));
        try {
            return fs.create(
                    path,
                    permission,
                    flags,
                    fs.getConf().getInt("io.file.buffer.size", 4096),
                    fs.getDefaultReplication(path),
                    fs.getDefaultBlockSize(path),
                    null);
        } catch (IOException e) {
            IOException u = unwrap(e);
            if (isHeldByAnotherClient(u)) {
                FileAlreadyExistsException exists = new FileAlreadyExistsException(
                        path + " is being created by" + " another client: " + firstLine(u.getMessage()));
                exists.initCause(u);
                throw exists;
            }
            throw u;
        }
    }

    /**
     * Renames {@code src} to {@code dst} only if {@code dst} does not exist
     * ({@link Options.Rename#NONE}), creating {@code dst}'s parent. Atomic on HDFS (one namenode
     * operation); elsewhere a check then a rename, which is why callers also serialise renames
     * within the JVM.
     *
     * @return false if {@code dst} exists
     */
    public boolean renameIfAbsent(Path src, Path dst) throws IOException {
        // The parent usually exists (a folder's second and later checkpoints): the rename goes
        // first, and only a rename refused for a missing parent pays for creating it.
        try {
            return tryRenameIfAbsent(src, dst);
        } catch (FileNotFoundException missing) {
            if (!fs.mkdirs(dst.getParent())) {
                throw missing;
            }
            return tryRenameIfAbsent(src, dst); // a missing source is reported again
        }
    }

    private boolean tryRenameIfAbsent(Path src, Path dst) throws IOException {
        try {
            FileUtil.rename(fs, src, dst, Options.Rename.NONE);
            return true;
        } catch (IOException e) {
            IOException u = unwrap(e);
            if (u instanceof FileAlreadyExistsException) {
                return false;
            }
            throw u;
        }
    }

    /**
     * Makes sure no other client holds the lease of {@code path}: recovers it if needed and waits
     * until the file is closed. Any writer still holding it is fenced (its next flush fails).
     * A no-op on file systems without leases.
     *
     * @throws IOException if recovery does not finish within {@code timeout}
     */
    public void recoverLease(Path path, Duration timeout) throws IOException {
        if (!(fs instanceof LeaseRecoverable leases)) {
            return;
        }
        if (leases.isFileClosed(path)) {
            return;
        }
        long start = System.nanoTime();
        long lastRequest = Long.MIN_VALUE;
        while (true) {
            long now = System.nanoTime();
            if (lastRequest == Long.MIN_VALUE || now - lastRequest >= RECOVER_AGAIN.toNanos()) {
                lastRequest = now;
                if (leases.recoverLease(path)) {
                    return;
                }
            }
            if (leases.isFileClosed(path)) {
                return;
            }
            if (now - start > timeout.toNanos()) {
                throw new IOException("lease recovery of " + path + " did not finish within " + timeout
                        + "; is a datanode holding its last block down? (option '" + HadoopOptions.RECOVERY_TIMEOUT
                        + "')");
            }
            sleep(POLL);
        }
    }

    /**
     * Cuts {@code path} to {@code length} bytes. Uses {@link FileSystem#truncate} (waiting for
     * HDFS to finish it); where truncate is not supported, copies the first {@code length} bytes
     * to {@code <path>.cut}, deletes {@code path} and renames the copy into place (see
     * {@link #resolveCut}).
     */
    public void cut(Path path, long length, Duration timeout) throws IOException {
        boolean done;
        try {
            done = fs.truncate(path, length);
        } catch (UnsupportedOperationException e) {
            copyCut(path, length);
            return;
        }
        if (!done) {
            waitClosed(path, timeout);
        }
    }

    /** The temporary name of a copy-based cut of {@code path}. */
    public static Path cutPath(Path path) {
        return new Path(path.getParent(), path.getName() + ".cut");
    }

    /**
     * Finishes or undoes an interrupted copy-based cut of {@code path}: a copy beside an
     * intact original is dropped; a copy whose original was already deleted is complete and is
     * renamed into place.
     */
    public void resolveCut(Path path) throws IOException {
        Path copy = cutPath(path);
        if (!fs.exists(copy)) {
            return;
        }
        if (fs.exists(path)) {
            fs.delete(copy, false);
        } else if (!fs.rename(copy, path)) {
            throw new IOException("could not rename " + copy + " to " + path + " to finish an interrupted cut");
        }
    }

    private void copyCut(Path path, long length) throws IOException {
        Path copy = cutPath(path);
        fs.delete(copy, false);
        try (var in = fs.open(path);
                FSDataOutputStream out = createExclusive(copy, true)) {
            byte[] buffer = new byte[1 << 16];
            long left = length;
            long position = 0;
            while (left > 0) {
                int n = in.read(position, buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(path + " ended after " + position + " bytes while cutting it to " + length);
                }
                out.write(buffer, 0, n);
                position += n;
                left -= n;
            }
            durable(out);
        }
        fs.delete(path, false);
        if (!fs.rename(copy, path)) {
            throw new IOException("could not rename " + copy + " to " + path + " while cutting it");
        }
    }

    /** Waits until {@code path} is closed (after an HDFS truncate that needs block recovery). */
    public void waitClosed(Path path, Duration timeout) throws IOException {
        if (!(fs instanceof LeaseRecoverable leases)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!leases.isFileClosed(path)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(path + " was not closed within " + timeout + " (option '"
                        + HadoopOptions.RECOVERY_TIMEOUT + "')");
            }
            sleep(POLL);
        }
    }

    /**
     * Closes {@code out}, created by {@link #createExclusive} with {@code syncBlock}, so that its
     * bytes are durable when this returns. On HDFS the close alone does it: the last packet of a
     * {@link CreateFlag#SYNC_BLOCK} file makes the datanodes force the block to disk before they
     * acknowledge it, and the namenode logs the completed file before {@code complete} returns;
     * an {@code hsync} first would cost a second forced write on the datanodes and a namenode
     * call. Elsewhere: {@link #durable} (an {@code fsync} on a local disk), then close.
     */
    public void closeDurably(FSDataOutputStream out) throws IOException {
        if (!(fs instanceof DistributedFileSystem)) {
            durable(out);
        }
        out.close();
    }

    /** {@code hsync} where the stream supports it, else {@code hflush} where supported, else nothing. */
    public static void durable(FSDataOutputStream out) throws IOException {
        if (out.hasCapability(StreamCapabilities.HSYNC)) {
            out.hsync();
        } else if (out.hasCapability(HFLUSH)) {
            out.hflush();
        }
    }

    /** Deletes {@code path}; true if it existed. */
    public boolean delete(Path path, boolean recursive) throws IOException {
        try {
            return fs.delete(path, recursive);
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** The exception a {@link RemoteException} carries, where it is one of the kinds callers act on. */
    public static IOException unwrap(IOException e) {
        if (e instanceof RemoteException remote) {
            return remote.unwrapRemoteException(
                    FileAlreadyExistsException.class,
                    FileNotFoundException.class,
                    org.apache.hadoop.fs.ParentNotDirectoryException.class);
        }
        return e;
    }

    /** Whether {@code e} says another client holds (or is recovering) the file's lease. */
    public static boolean isHeldByAnotherClient(IOException e) {
        String name = e instanceof RemoteException remote
                ? remote.getClassName()
                : e.getClass().getName();
        return name.equals(ALREADY_BEING_CREATED) || name.equals(RECOVERY_IN_PROGRESS);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on the file system");
        }
    }

    @Override
    public void close() throws IOException {
        owner.close();
    }

    @Override
    public String toString() {
        return location.toString();
    }
}

package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.spi.Capability;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * What a file system can do, as its own streams and classes report it: never assumed from the
 * scheme.
 *
 * @param hflush output streams report {@code hflush}: flushed bytes reach the
 *     storage service (HDFS datanodes, the OS) and are visible to other readers
 * @param hsync output streams report {@link StreamCapabilities#HSYNC}: synced bytes are on disk
 * @param leases the file system is {@link org.apache.hadoop.fs.LeaseRecoverable}: one client at a
 *     time may write a file, a namespace server makes exclusive create and rename atomic, and a
 *     dead writer's lease can be recovered (which fences it)
 * @param local the file system is this machine's disk
 */
public record FsFeatures(boolean hflush, boolean hsync, boolean leases, boolean local) {
    /** Reads what {@code out} (a stream of {@code fs}) reports. */
    public static FsFeatures probe(HadoopFs fs, FSDataOutputStream out) {
        return new FsFeatures(
                out.hasCapability(HadoopFs.HFLUSH),
                out.hasCapability(StreamCapabilities.HSYNC),
                fs.leaseRecoverable(),
                fs.isLocal());
    }

    /** The write-ahead log guarantees these features support. */
    public Set<Capability> walCapabilities() {
        Set<Capability> c = EnumSet.noneOf(Capability.class);
        if (hsync) {
            c.add(Capability.WAL_DURABLE_SYNC);
        }
        if (hflush) {
            c.add(Capability.WAL_SURVIVES_PROCESS_CRASH);
            c.add(Capability.WAL_CROSS_PROCESS_READERS);
        }
        if (leases) {
            c.add(Capability.WAL_SINGLE_WRITER);
        }
        return c;
    }

    /**
     * The checkpoint store guarantees these features support. Epoch fencing needs a rename that
     * is atomic for its source (two renames of one directory: exactly one succeeds) and a
     * consistent listing: a namespace server (HDFS) or this machine's file system. Every file
     * system keeps committed checkpoints in storage, outside the writing process.
     */
    public Set<Capability> checkpointCapabilities() {
        Set<Capability> c = EnumSet.of(Capability.CHECKPOINT_DURABLE);
        if (leases) {
            c.add(Capability.CHECKPOINT_CROSS_PROCESS);
        }
        if (leases || local) {
            c.add(Capability.CHECKPOINT_EPOCH_FENCING);
        }
        return c;
    }

    /** The shuffle block store guarantees these features support. */
    public Set<Capability> shuffleCapabilities() {
        return local ? EnumSet.noneOf(Capability.class) : EnumSet.of(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
    }
}

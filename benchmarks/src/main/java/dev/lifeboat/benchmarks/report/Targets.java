package dev.lifeboat.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

/** The project's performance targets, each a ratio of two results measured in the same run on the same disk. */
public final class Targets {
    private Targets() {}

    public static List<Target> all() {
        List<Target> t = new ArrayList<>();
        for (String size : List.of("100", "1024", "65536")) {
            t.add(new Target(
                    "wal-sync-1-writer-" + size,
                    "Local WAL sync, 1 writer, " + size + " B",
                    Query.of(
                            "WalAppendBenchmark.writers1",
                            "backend",
                            "local",
                            "durability",
                            "sync",
                            "recordBytes",
                            size),
                    Query.of("RawDiskBenchmark.forcePerRecord", "recordBytes", size),
                    false,
                    true,
                    0.95,
                    "records/s over a raw loop of write + force(false) per record",
                    "One writer waits for its own fsync on every record, like the raw loop, and writes and"
                            + " syncs in its own thread; the log adds its framing (CRC32C), one copy of the"
                            + " record into a reused frame, and a directory fsync at each new segment."));
        }
        t.add(new Target(
                "wal-sync-16-writers",
                "Local WAL sync, 16 writers over 1, 1 KiB",
                Query.of(
                        "WalAppendBenchmark.writers16",
                        "backend",
                        "local",
                        "durability",
                        "sync",
                        "recordBytes",
                        "1024"),
                Query.of(
                        "WalAppendBenchmark.writers1", "backend", "local", "durability", "sync", "recordBytes", "1024"),
                false,
                true,
                10,
                "records/s with 16 writers over records/s with 1 (group commit)",
                "Group commit shares one fsync among the records that queued while the previous one ran: at"
                        + " most 16 here. The ratio falls short when an fsync is shorter than it takes 16"
                        + " threads to be scheduled again, which on 2 shared cores is often."));
        t.add(new Target(
                "wal-sync-p99",
                "Local WAL sync p99 latency, 1 writer, 1 KiB",
                Query.of("WalLatencyBenchmark.syncAppend1", "backend", "local", "recordBytes", "1024"),
                Query.of("WalLatencyBenchmark.rawWriteForce", "recordBytes", "1024"),
                false,
                false,
                1.3,
                "p99 of one write at durability=sync over the p99 of a raw write + force(false)",
                "Both wait for the disk's slowest flushes at the 99th percentile; the log adds a directory"
                        + " fsync whenever a segment is created and its allocation's share of GC pauses.",
                "99.0"));
        t.add(new Target(
                "wal-sync-64k-bandwidth",
                "Local WAL sync, 64 KiB, 16 writers",
                Query.of(
                        "WalAppendBenchmark.writers16",
                        "backend",
                        "local",
                        "durability",
                        "sync",
                        "recordBytes",
                        "65536"),
                Query.of("RawDiskBenchmark.forcePerMiB", "recordBytes", "65536"),
                false,
                true,
                0.8,
                "MB/s over raw 64 KiB writes with one force(false) per MiB",
                "A batch is at most group-commit.max-batch-bytes (1 MiB) and is synced before the next one"
                        + " is written, as the raw loop does; the log also copies each record once into its"
                        + " frame and checksums it."));
        t.add(new Target(
                "wal-flush-vs-spark-1",
                "Local WAL vs Spark FileBasedWriteAheadLog, 1 writer, 1 KiB",
                Query.of("SparkWalBenchmark.writers1", "log", "lifeboat-local", "recordBytes", "1024"),
                Query.of("SparkWalBenchmark.writers1", "log", "spark-file", "recordBytes", "1024"),
                false,
                true,
                1,
                "records/s at the same durability (flush: in the OS, no fsync), same directory",
                "A lone writer frames, checksums and writes its record in its own thread with one write"
                        + " system call, as Spark's writer does with its hflush; the log adds two CRC32C and"
                        + " a copy into its frame."));
        t.add(new Target(
                "wal-vs-spark",
                "Local WAL vs Spark FileBasedWriteAheadLog, 16 writers, 1 KiB",
                Query.of("SparkWalBenchmark.writers16", "log", "lifeboat-local", "recordBytes", "1024"),
                Query.of("SparkWalBenchmark.writers16", "log", "spark-file", "recordBytes", "1024"),
                false,
                true,
                5,
                "records/s at the same durability (flush: in the OS, no fsync), same directory",
                "On a local file system Spark's hflush only hands the bytes to the OS, so its writers, one"
                        + " at a time under a lock, pay a system call each. The Lifeboat writers share one"
                        + " write per batch, but the writers queued behind a batch park and are woken, which"
                        + " costs about what the system call they share does. The target presumes a flush"
                        + " worth sharing, as on HDFS, where hflush is a round trip to the datanodes."));
        t.add(new Target(
                "wal-hdfs-vs-spark",
                "Hadoop WAL vs Spark FileBasedWriteAheadLog on HDFS, 16 writers, 1 KiB",
                Query.of("SparkWalBenchmark.writers16", "log", "lifeboat-hadoop", "recordBytes", "1024"),
                Query.of("SparkWalBenchmark.writers16", "log", "spark-file-hdfs", "recordBytes", "1024"),
                false,
                true,
                5,
                "records/s at the same durability (flush: hflush, acknowledged by the datanode), same MiniDFSCluster set-up",
                "Spark's writers take its lock one at a time and each pays an hflush, a round trip to the"
                        + " datanode; the Lifeboat writers share one hflush per batch, so the ratio grows with"
                        + " the writers queued behind each round trip."));
        t.add(Target.absolute(
                "wal-allocation",
                "Local WAL allocation per acknowledged record, 1 writer, 1 KiB, flush",
                Query.of(
                        "WalAppendBenchmark.writers1",
                        "backend",
                        "local",
                        "durability",
                        "flush",
                        "recordBytes",
                        "1024"),
                false,
                128,
                Result.ALLOCATED_PER_OP,
                "B",
                "bytes allocated per acknowledged write in steady state (JMH -prof gc, gc.alloc.rate.norm)",
                "A write allocates its RecordHandle; its frame comes from a pool of frames written by"
                        + " earlier batches and its queue entry is one of two its thread alternates between."
                        + " The figure also carries JMH's own allocation per iteration, divided among the ops."));
        for (String storage : List.of("local", "hdfs")) {
            for (String file : List.of("offsets", "delta")) {
                t.add(new Target(
                        "spark-checkpoint-" + storage + "-" + file,
                        "Spark checkpoint " + (file.equals("offsets") ? "offsets entry, 1 KiB" : ".delta, 1 MiB")
                                + ", Lifeboat's manager vs Spark's, " + storage,
                        Query.of(
                                "SparkCheckpointBenchmark.createAtomic",
                                "storage",
                                storage,
                                "manager",
                                "lifeboat",
                                "file",
                                file),
                        Query.of(
                                "SparkCheckpointBenchmark.createAtomic",
                                "storage",
                                storage,
                                "manager",
                                "spark",
                                "file",
                                file),
                        false,
                        true,
                        1,
                        "files/s of createAtomic + write + close, same storage",
                        storage.equals("local")
                                ? "Spark's default manager writes a temporary file and renames it without an fsync;"
                                        + " Lifeboat's local store forces the file and its manifest before the commit"
                                        + " returns, a durability the peer does not have on a local disk."
                                : "Spark's manager creates a temporary file, writes one block, completes it and"
                                        + " renames it: four namenode calls, nothing forced to disk. Lifeboat writes"
                                        + " two files (the bytes and the manifest), each created, written in one block"
                                        + " that the datanode forces to disk at close, and completed, then renames"
                                        + " the attempt's folder put-if-absent: seven calls and two forced writes."));
            }
        }
        t.add(new Target(
                "wal-replay",
                "Local WAL replay",
                Query.of("WalReplayBenchmark.replay", "backend", "local"),
                Query.of("WalReplayBenchmark.rawSequentialRead"),
                true,
                true,
                0.8,
                "MB/s of a verified replay over a raw sequential read of as many bytes, both from the page cache",
                "Both read from the page cache, so this is CPU. The raw loop copies each MiB once, into one"
                        + " reused buffer, and checks nothing. Replay reads each 256 KiB window into a new"
                        + " heap buffer (zeroed when allocated, and filled from the JDK's direct buffer: a"
                        + " second copy), since the records handed out are slices of it and may outlive the"
                        + " next read; then it checks every record's CRC32C there."));
        t.add(new Target(
                "checkpoint-256m",
                "Checkpoint commit, 256 MiB, 1 part",
                Query.of("CheckpointBenchmark.commit", "backend", "local", "sizeMiB", "256", "parts", "1"),
                Query.of("CheckpointBenchmark.rawWriteForce", "sizeMiB", "256", "parts", "1"),
                true,
                true,
                0.9,
                "MB/s of begin + write + commit over a raw write + force of the same bytes",
                "A commit computes the part's CRC32C as it streams (the bytes reach the file with the"
                        + " same one copy as the raw loop's), forces it, then writes and forces the manifest"
                        + " and fsyncs each directory it created and the one it links the manifest into; the"
                        + " raw baseline forces one file."));
        t.add(new Target(
                "chronicle-append",
                "Chronicle backend append, 1 KiB",
                Query.of("ChronicleBenchmark.backendWrite", "recordBytes", "1024"),
                Query.of("ChronicleBenchmark.rawAppend", "recordBytes", "1024"),
                false,
                false,
                1.2,
                "time per acknowledged append (durability none) over Chronicle's appender's",
                "A lone writer appends the excerpt in its own thread; the acknowledged write adds the"
                        + " record's framing (two CRC32C), its copy into a frame and then into the excerpt,"
                        + " and the group-commit lock."));
        t.add(new Target(
                "chronicle-replay",
                "Chronicle backend replay, 1 KiB",
                Query.of("ChronicleBenchmark.backendReplay", "recordBytes", "1024"),
                Query.of("ChronicleBenchmark.rawTail", "recordBytes", "1024"),
                false,
                false,
                2,
                "time per record replayed and verified over Chronicle's tailer's",
                "Replay copies each excerpt out of the mapped file into a new array (a record may outlive"
                        + " the next read), checks its header's and payload's CRC32C there and hands the"
                        + " payload out as a slice of it; the tailer copies into one reused array and checks"
                        + " nothing."));
        return List.copyOf(t);
    }
}

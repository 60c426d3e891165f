package dev.lifeboat.compat.internal;

import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child of the checkpoint crash test. Opens the store at a URI with options, then commits
 * checkpoints {@code crash/0}, {@code crash/1}, ... one after another until it is killed, each
 * with the parts given by {@link #parts}. It prints:
 *
 * <pre>
 * READY
 * BEGIN &lt;id&gt; &lt;attemptId&gt;
 * COMMITTING &lt;id&gt;
 * COMMITTED &lt;id&gt;
 * LOST &lt;id&gt;
 * FENCED &lt;id&gt;
 * DONE
 * </pre>
 *
 * {@code COMMITTING} comes just before {@code commit()} is called; {@code COMMITTED} follows its
 * return; {@code LOST} follows an {@link AlreadyCommittedException} (another process committed
 * the id first, which the cross-process race test provokes); {@code FENCED} follows a
 * {@link FencedException}, after which the child stops and prints {@code DONE}. Parts are
 * written in small chunks so that a kill often lands in the middle of a part or of the commit.
 * Not API.
 *
 * <p>Usage: {@code CheckpointCrashChild <uri> <options> <seed> [<epoch> [<count>]]} (epoch 0 by default; without
 * a count the child writes until it is killed or reaches {@link #MAX_CHECKPOINTS}). A race test passes the number
 * of ids it races for, so the child does not keep the store busy after the race is decided.
 */
public final class CheckpointCrashChild {
    /** The prefix of every checkpoint id the child writes. */
    public static final String PREFIX = "crash";
    /** The child stops after this many checkpoints, so a child that is never killed ends. */
    public static final int MAX_CHECKPOINTS = 100_000;

    private static final int MAX_PARTS = 4;
    private static final int MAX_PART_BYTES = 48 * 1024;
    private static final int CHUNK = 4096;

    private CheckpointCrashChild() {}

    /** One part of a checkpoint the child writes. */
    @SuppressWarnings("ArrayRecordComponent") // a carrier of what the child writes, never compared or hashed
    public record Part(String name, byte[] bytes) {}

    /** The id of the {@code n}-th checkpoint. */
    public static CheckpointId id(long n) {
        return CheckpointId.of(PREFIX, n);
    }

    /** The parts of the {@code n}-th checkpoint: 1 to 4 of up to 48 KiB, determined by the seed. */
    public static List<Part> parts(long seed, long n) {
        int count = 1 + Payloads.length(seed, n, MAX_PARTS - 1);
        List<Part> parts = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            long index = n * MAX_PARTS + p;
            parts.add(new Part("part-" + p, Payloads.bytes(seed, index, Payloads.length(seed, index, MAX_PART_BYTES))));
        }
        return parts;
    }

    public static void main(String[] args) {
        if (args.length != 4 && args.length != 5) {
            ChildSupport.requireArgs(args, 3, "CheckpointCrashChild <uri> <options> <seed> [<epoch> [<count>]]");
        }
        ChildSupport.exitWhenParentDies();
        try {
            URI uri = ChildArgs.decodeUri(args[0]);
            Map<String, String> options = ChildArgs.decodeOptions(args[1]);
            long seed = Long.parseLong(args[2]);
            long epoch = args.length >= 4 ? Long.parseLong(args[3]) : 0;
            long count = args.length == 5 ? Long.parseLong(args[4]) : MAX_CHECKPOINTS;
            try (CheckpointStore store = Lifeboat.openCheckpointStore(uri, options)) {
                ChildSupport.emit("READY");
                for (long n = 0; n < count; n++) {
                    CheckpointId id = id(n);
                    try (CheckpointWriter writer = store.begin(id, epoch)) {
                        ChildSupport.emit("BEGIN " + id + " " + writer.attemptId());
                        for (Part part : parts(seed, n)) {
                            try (OutputStream out = writer.openPart(part.name())) {
                                for (int off = 0; off < part.bytes().length; off += CHUNK) {
                                    out.write(part.bytes(), off, Math.min(CHUNK, part.bytes().length - off));
                                }
                            }
                        }
                        ChildSupport.emit("COMMITTING " + id);
                        writer.commit();
                        ChildSupport.emit("COMMITTED " + id);
                    } catch (AlreadyCommittedException e) {
                        ChildSupport.emit("LOST " + id);
                    } catch (FencedException e) {
                        ChildSupport.emit("FENCED " + id);
                        break;
                    }
                }
            }
            ChildSupport.emit("DONE");
        } catch (Throwable t) {
            ChildSupport.fail(t);
        }
    }
}

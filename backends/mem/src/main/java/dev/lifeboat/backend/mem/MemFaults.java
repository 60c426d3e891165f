package dev.lifeboat.backend.mem;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.wal.RecordFrame;
import dev.lifeboat.backend.mem.internal.MemCheckpointState;
import dev.lifeboat.backend.mem.internal.MemObject;
import dev.lifeboat.backend.mem.internal.MemStore;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.wal.RecordHandle;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fault hooks into one {@code mem:} store, for users' tests: lose or damage what a backend stored,
 * tear the end of a log, end a leadership, or make the next calls fail. Obtain one with
 * {@link #of(URI)}; it acts on the store every instance opened on that URI shares, and the next
 * read of an instance (open or reopened) meets the damage, exactly as it would meet a crash or a
 * bad disk:
 *
 * <pre>{@code
 * MemFaults faults = MemFaults.of(URI.create("mem:job-7"));
 * faults.tearLastRecord();        // reopening the log finds a torn tail and cuts it
 * faults.loseMapOutput(0, 3);     // reading a block of map 3 raises BlockUnavailableException
 * faults.failNextCalls(2);        // the next two storage calls throw IOException
 * }</pre>
 *
 * <p>The generic {@link StorageFaults} methods work on the objects {@link #list} returns: WAL
 * segments ({@code wal/<first LSN>}), checkpoint parts and manifests, shuffle data and indexes.
 *
 * <p>Damage a log while no writer is open on it, as a crash leaves it, then reopen it: a writer
 * holds on to the segment it appends to.
 */
public final class MemFaults implements StorageFaults {
    private final MemStore store;

    private MemFaults(MemStore store) {
        this.store = store;
    }

    /** The fault hooks of the store {@code uri} names ({@code mem:<name>}), created if absent. */
    public static MemFaults of(URI uri) {
        return new MemFaults(MemStore.of(uri));
    }

    // ---------------------------------------------------------------- any contract

    /**
     * Makes the next {@code n} storage calls on this store throw {@link IOException}: log writes,
     * reads and replays; checkpoint part writes and reads, commits, opens, lists and deletes;
     * shuffle commits, block reads and removals; election joins. {@code 0} cancels. A log whose
     * write fails stays failed until reopened, as on every backend.
     */
    public void failNextCalls(int n) {
        store.failNext(n);
    }

    @Override
    public List<StoredObject> list(StoredKind kind) {
        requireNonNull(kind, "kind is null");
        List<StoredObject> out = new ArrayList<>();
        for (Map.Entry<String, MemObject> e : store.objects().entrySet()) {
            String name = e.getKey();
            StoredKind k;
            String key;
            if (name.startsWith("wal/")) {
                k = StoredKind.WAL_SEGMENT;
                key = Long.toString(Long.parseLong(name.substring(4)));
            } else if (name.startsWith(MemCheckpointState.MANIFESTS)) {
                k = StoredKind.CHECKPOINT_MANIFEST;
                key = name.substring(MemCheckpointState.MANIFESTS.length());
            } else if (name.startsWith(MemCheckpointState.PARTS)) {
                k = StoredKind.CHECKPOINT_PART;
                String rest = name.substring(MemCheckpointState.PARTS.length());
                int slash = rest.indexOf('/');
                MemCheckpointState.Attempt attempt = store.checkpoints().attempt(rest.substring(0, slash));
                key = (attempt != null ? attempt.id().value() : rest.substring(0, slash)) + rest.substring(slash);
            } else if (name.startsWith("shuffle/")) {
                k = name.endsWith("/index") ? StoredKind.SHUFFLE_INDEX : StoredKind.SHUFFLE_DATA;
                key = name.substring("shuffle/".length(), name.lastIndexOf('/'));
            } else {
                k = StoredKind.OTHER;
                key = name;
            }
            if (k == kind) {
                out.add(new StoredObject(k, name, key, e.getValue().length()));
            }
        }
        return out;
    }

    @Override
    public void flipByte(StoredObject object, long offset) throws IOException {
        find(object).flip(offset);
    }

    @Override
    public void truncate(StoredObject object, long length) throws IOException {
        find(object).truncate(length);
    }

    @Override
    public void delete(StoredObject object) throws IOException {
        requireNonNull(object, "object is null");
        if (store.objects().remove(object.name()) == null) {
            throw new NoSuchFileException(store.uri() + "/" + object.name());
        }
    }

    @Override
    public void append(StoredObject object, byte[] bytes) throws IOException {
        requireNonNull(bytes, "bytes is null");
        find(object).append(bytes, 0, bytes.length);
    }

    // ---------------------------------------------------------------- write-ahead log

    /**
     * Removes the last complete record of the log, as if its write never reached storage (a
     * crash before an unacknowledged record was written). Reopening finds a clean log one record
     * shorter.
     *
     * @return the LSN of the removed record, or empty if the log holds none
     */
    public Optional<RecordHandle> dropLastRecord() {
        return lastFrame().map(f -> {
            f.segment.truncate(f.offset);
            removeEmptySegmentsAfter(f);
            return RecordHandle.of(f.lsn);
        });
    }

    /**
     * Cuts the last record of the log in the middle, as a crash during its write would: reopening
     * the log for writing reports the torn tail and cuts it; a reader reports it and stops before it.
     *
     * @return the LSN of the torn record, or empty if the log holds none
     */
    public Optional<RecordHandle> tearLastRecord() {
        return lastFrame().map(f -> {
            f.segment.truncate(f.offset + Math.max(1, f.bytes / 2));
            removeEmptySegmentsAfter(f);
            return RecordHandle.of(f.lsn);
        });
    }

    /**
     * Cuts {@code bytes} bytes off the end of the log (its last non-empty segment), as a crash
     * that lost the end of a write would. Reopening for writing reports a torn tail when the cut
     * ends inside a record, and keeps every complete record before it.
     *
     * @return how many bytes were cut (fewer if the last segment is shorter)
     */
    public long cutLogBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes to cut is negative: " + bytes);
        }
        for (MemObject segment : store.objects()
                .subMap("wal/", true, "wal/" + Character.MAX_VALUE, false)
                .descendingMap()
                .values()) {
            long length = segment.length();
            if (length > 0) {
                long cut = Math.min(bytes, length);
                segment.truncate(length - cut);
                return cut;
            }
        }
        return 0;
    }

    /**
     * Flips a byte in the payload of record {@code handle} (its header if the payload is empty):
     * reading it raises {@link dev.lifeboat.spi.CorruptDataException} naming the segment and offset.
     *
     * @throws NoSuchFileException if the log holds no such record
     */
    public void corruptRecord(RecordHandle handle) throws IOException {
        requireNonNull(handle, "handle is null");
        for (Frame f : frames()) {
            if (f.lsn == handle.lsn()) {
                long payload = f.bytes - RecordFrame.HEADER_BYTES;
                f.segment.flip(payload > 0 ? f.offset + RecordFrame.HEADER_BYTES + payload / 2 : f.offset + 8);
                return;
            }
        }
        throw new NoSuchFileException(store.uri(), null, "no record " + handle + " in the log");
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * Deletes one part of a committed checkpoint: opening the part raises
     * {@link java.nio.file.NoSuchFileException}.
     */
    public void losePart(CheckpointId id, String part) throws IOException {
        delete(part(id, part));
    }

    /** Flips a byte in the middle of a committed part: reading it raises {@code CorruptDataException}. */
    public void corruptPart(CheckpointId id, String part) throws IOException {
        StoredObject o = part(id, part);
        if (o.length() == 0) {
            throw new IllegalArgumentException("part '" + part + "' of " + id + " is empty: no byte to damage");
        }
        flipByte(o, o.length() / 2);
    }

    // ---------------------------------------------------------------- shuffle

    /**
     * Loses every block of one committed map output, as a lost disk would: reading any of its
     * blocks raises {@link dev.lifeboat.spi.shuffle.BlockUnavailableException}.
     *
     * @return whether the map output was stored
     */
    public boolean loseMapOutput(int shuffleId, long mapId) {
        String prefix = "shuffle/" + shuffleId + "/" + mapId + "/";
        return store.objects().remove(prefix + "data") != null;
    }

    /**
     * Flips a byte in one block of a committed map output: reading that block raises
     * {@link dev.lifeboat.spi.shuffle.BlockUnavailableException}; the others still read.
     */
    public void corruptBlock(MapStatus status, int reduceId) throws IOException {
        requireNonNull(status, "status is null");
        if (status.length(reduceId) == 0) {
            throw new IllegalArgumentException("block " + status.blockId(reduceId) + " is empty: no byte to damage");
        }
        String name = "shuffle/" + status.id().shuffleId() + "/" + status.id().mapId() + "/data";
        MemObject data = store.objects().get(name);
        if (data == null) {
            throw new NoSuchFileException(store.uri() + "/" + name);
        }
        data.flip(status.offset(reduceId) + status.length(reduceId) / 2);
    }

    // ---------------------------------------------------------------- election

    /**
     * Ends the current leadership of this store's election group as an expired session would: the
     * leader is told {@link dev.lifeboat.spi.election.LossReason#SESSION_LOST} and goes to the back
     * of the queue, and the next candidate (or the same one, if alone) leads with a greater epoch.
     *
     * @return the participant that lost leadership, if anyone led
     */
    public Optional<String> expireLeader() {
        return store.group().expireLeader();
    }

    // ---------------------------------------------------------------- helpers

    private MemObject find(StoredObject object) throws NoSuchFileException {
        requireNonNull(object, "object is null");
        MemObject o = store.objects().get(object.name());
        if (o == null) {
            throw new NoSuchFileException(store.uri() + "/" + object.name());
        }
        return o;
    }

    private StoredObject part(CheckpointId id, String part) throws NoSuchFileException {
        requireNonNull(id, "id is null");
        requireNonNull(part, "part is null");
        String key = id.value() + "/" + part;
        for (StoredObject o : list(StoredKind.CHECKPOINT_PART)) {
            if (o.key().equals(key)) {
                return o;
            }
        }
        throw new NoSuchFileException(store.uri(), null, "no stored part '" + part + "' of checkpoint " + id);
    }

    private record Frame(String name, MemObject segment, long offset, long bytes, long lsn) {}

    /** Empty segments after the frame's (left by an earlier cut) would no longer continue the log. */
    private void removeEmptySegmentsAfter(Frame f) {
        store.objects()
                .subMap(f.name, false, "wal/" + Character.MAX_VALUE, false)
                .entrySet()
                .removeIf(e -> e.getValue().length() == 0);
    }

    private Optional<Frame> lastFrame() {
        List<Frame> all = frames();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The complete frames of the log, in order. */
    private List<Frame> frames() {
        List<Frame> out = new ArrayList<>();
        for (Map.Entry<String, MemObject> e :
                store.objects().subMap("wal/", "wal/" + Character.MAX_VALUE).entrySet()) {
            MemObject segment = e.getValue();
            long lsn = Long.parseLong(e.getKey().substring(4));
            long offset = 0;
            long size = segment.length();
            ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
            while (offset + RecordFrame.HEADER_BYTES <= size) {
                header.clear();
                segment.read(offset, header);
                header.flip();
                RecordFrame.Header h = RecordFrame.decodeHeader(header);
                if (h == null || offset + h.frameBytes() > size) {
                    break;
                }
                out.add(new Frame(e.getKey(), segment, offset, h.frameBytes(), lsn));
                offset += h.frameBytes();
                lsn++;
            }
        }
        return out;
    }
}

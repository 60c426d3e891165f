package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.AbstractCheckpointWriter;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.objectstore.CheckpointKeys;
import dev.lifeboat.backend.common.objectstore.ObjectStoreCheckpointStore;
import dev.lifeboat.backend.common.objectstore.ObjectStoreCheckpoints;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A checkpoint store on S3. Parts are uploaded under the attempt's own folder (multipart above
 * the part size); {@code commit} publishes the manifest with {@code If-None-Match: *}, which is
 * the atomic put-if-absent: no rename, no copy. A commit whose outcome is unknown is reconciled by
 * reading the manifest back.
 *
 * <p><b>Epoch fencing</b> ({@link Capability#CHECKPOINT_EPOCH_FENCING}). A commit with epoch
 * {@code e > 0} first <i>registers</i> with one compare-and-set ({@code If-Match}) of the fence
 * object ({@link FenceRecord}): it is refused with {@link FencedException} if the fence holds a
 * greater epoch, otherwise it raises the fence to {@code e} and lists itself as pending; only then
 * does it PUT its manifest. The first commit of a newer epoch (the <i>fence</i>) decides, before
 * its compare-and-set, every pending commit of an older epoch by racing it for its manifest key:
 * it creates a zero-byte <i>void marker</i> there with {@code If-None-Match: *}. If the old
 * commit's manifest landed first, the marker is refused and the checkpoint stays (it was visible
 * before the fence); otherwise the marker wins and the old commit's manifest PUT is refused
 * forever. Registration and fence go through the same object, so an older commit either
 * registered before the fence (and is decided by it) or is refused at registration. A paused or
 * delayed writer resumed after a newer epoch's first commit therefore cannot publish anything that
 * was not visible when that commit returned. A void marker reads as absent; a writer whose epoch
 * is greater than the voided one (or 0) replaces it with {@code If-Match}. Pending entries of this
 * instance's finished commits are dropped at its next registration. Cost per commit with an epoch:
 * one conditional PUT of the fence object (plus one GET when another instance wrote it since);
 * a fence adds a conditional PUT (and a GET when refused) per pending commit of the older epoch.
 * Readers pay nothing. Commits with epoch 0 do not take part.
 *
 * <p><b>Listing.</b> {@code list} and {@code latest} use LIST, and do not depend on it alone: ids
 * this instance committed or deleted are checked with HEAD when LIST disagrees, and
 * {@code latest} probes the successors of a numbered id ({@code offsets/8} after
 * {@code offsets/7}) with HEAD until one is missing.
 */
public final class S3CheckpointStore extends ObjectStoreCheckpointStore {
    private static final int RECENT = 4096;
    private static final int MAX_PROBES = 1000;

    private final ObjectStore store;
    private final CheckpointKeys layout;
    /** Ids this instance committed (true) or deleted (false), most recent last; for LIST lag. */
    private final Map<CheckpointId, Boolean> recent =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<CheckpointId, Boolean> eldest) {
                    return size() > RECENT;
                }
            });

    /** Guards {@link #fence}: registrations of this instance go one at a time. */
    private final Object fenceLock = new Object();
    /** The fence object as this instance last read or wrote it, with its ETag; null when unknown. */
    private Fence fence;
    /** Attempts of this instance whose commit ended: their pending entries can be dropped. */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();

    /** The fence object and its ETag (null when it does not exist). */
    private record Fence(FenceRecord record, String etag) {}

    public S3CheckpointStore(ObjectStore store, Set<Capability> capabilities) {
        super(
                keysOf(requireNonNull(store, "store is null")),
                store,
                String.valueOf(store.location()),
                "object",
                capabilities);
        this.store = store;
        this.layout = keys();
    }

    /** The checkpoint keys of a store: part names are stored as they are. */
    static CheckpointKeys keysOf(ObjectStore store) {
        return new CheckpointKeys(store.key(""), CheckpointKeys.PartNames.AS_IS);
    }

    @Override
    protected List<String> listNames(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        for (ObjectStore.ObjectInfo o : store.list(prefix)) {
            if (o.size() > 0) { // a void marker is empty
                keys.add(o.key());
            }
        }
        return keys;
    }

    @Override
    protected List<String> listFolders(String prefix) throws IOException {
        return store.listFolders(prefix);
    }

    @Override
    protected void deleteFolder(String folder) throws IOException {
        store.deleteAll(folder);
    }

    @Override
    protected void deleteObject(String key) throws IOException {
        store.delete(key);
    }

    @Override
    protected Optional<InputStream> openObject(String key) throws IOException {
        return store.openStream(store.location().bucket(), key, 0, -1);
    }

    @Override
    protected String describe(String key) {
        return store.describe(key);
    }

    @Override
    protected Writer newWriter(CheckpointId id, long epoch, String attemptId) {
        return new S3Writer(id, epoch, attemptId);
    }

    @Override
    protected Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException {
        String key = layout.manifestKey(id);
        return manifestIn(id, store.get(key));
    }

    /** The manifest in {@code blob} (read from {@code id}'s manifest key); empty if absent or void. */
    private Optional<CheckpointInfo> manifestIn(CheckpointId id, Optional<ObjectStore.Blob> blob) throws IOException {
        String key = layout.manifestKey(id);
        if (blob.isEmpty() || isVoid(blob.get())) {
            return Optional.empty();
        }
        return Optional.of(ManifestCodec.decode(id, blob.get().bytes(), store.describe(key)));
    }

    /** LIST may lag behind this instance's own commits and deletes: those are checked with HEAD. */
    @Override
    protected NavigableSet<CheckpointId> checkListing(String prefix, NavigableSet<CheckpointId> ids)
            throws IOException {
        List<Map.Entry<CheckpointId, Boolean>> mine;
        synchronized (recent) {
            mine = new ArrayList<>(recent.entrySet());
        }
        for (Map.Entry<CheckpointId, Boolean> e : mine) {
            CheckpointId id = e.getKey();
            if (id.hasPrefix(prefix) && ids.contains(id) != e.getValue()) {
                if (store.head(layout.manifestKey(id)).filter(o -> o.size() > 0).isPresent()) {
                    ids.add(id);
                } else {
                    ids.remove(id);
                }
            }
        }
        return ids;
    }

    @Override
    public Optional<CheckpointId> latest(String prefix) throws IOException {
        List<CheckpointId> ids = list(prefix);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        CheckpointId latest = ids.get(ids.size() - 1);
        // Numbered ids are committed in sequence: a newer one that LIST does not show yet is found
        // by asking for the successor directly.
        for (int i = 0; i < MAX_PROBES; i++) {
            Optional<CheckpointId> next = successor(latest).filter(id -> id.hasPrefix(prefix));
            if (next.isEmpty()
                    || store.head(layout.manifestKey(next.get()))
                            .filter(o -> o.size() > 0)
                            .isEmpty()) {
                break;
            }
            latest = next.get();
        }
        return Optional.of(latest);
    }

    private static Optional<CheckpointId> successor(CheckpointId id) {
        String name = id.name();
        if (name.isEmpty()
                || name.length() > 18
                || !name.chars().allMatch(Character::isDigit)
                || (name.length() > 1 && name.charAt(0) == '0')) {
            return Optional.empty();
        }
        String parent = id.value().substring(0, id.value().length() - name.length());
        return Optional.of(CheckpointId.of(parent + (Long.parseLong(name) + 1)));
    }

    @Override
    public boolean delete(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        String key = layout.manifestKey(id);
        Optional<ObjectStore.Blob> blob = store.get(key);
        if (blob.isEmpty() || isVoid(blob.get())) {
            // A void marker stays: it is what refuses the voided commit's manifest.
            recent.put(id, false);
            return false;
        }
        Optional<String> attempt = ManifestCodec.attemptIdIfIntact(blob.get().bytes(), store.describe(key));
        store.delete(key); // stops being listed at once
        recent.put(id, false);
        if (attempt.isPresent()) {
            store.deleteAll(layout.attemptFolder(attempt.get(), id));
        }
        return true;
    }

    /** Aborts the multipart uploads of old attempts: they are not listed as objects. */
    @Override
    protected void collectMore(long cutoff) throws IOException {
        for (ObjectStore.PendingUpload u : store.listMultipartUploads(layout.attemptsPrefix())) {
            if (layout.attemptOf(u.key())
                    .filter(a -> ObjectStoreCheckpoints.isOldAttempt(a, cutoff))
                    .isPresent()) {
                store.abortMultipartUpload(u.key(), u.uploadId());
            }
        }
    }

    /** The metadata key of a void marker: the epoch of the commit it voided. */
    static final String VOIDED_EPOCH = "lifeboat-voided-epoch";

    /** Whether a manifest key holds a void marker (zero bytes) instead of a manifest. */
    private static boolean isVoid(ObjectStore.Blob blob) {
        return blob.bytes().length == 0;
    }

    /** The epoch a void marker voided; 0 if it does not say (then only epoch 0 replaces it). */
    private static long voidedEpoch(ObjectStore.Blob blob) {
        String v = blob.metadata().get(VOIDED_EPOCH);
        try {
            return v == null ? Long.MAX_VALUE : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private Fence readFence() throws IOException {
        String key = layout.epochKey();
        Optional<ObjectStore.Blob> blob = store.get(key);
        return blob.isEmpty()
                ? new Fence(FenceRecord.NONE, null)
                : new Fence(
                        FenceRecord.decode(blob.get().bytes(), store.describe(key)),
                        blob.get().etag());
    }

    /**
     * Registers a commit of {@code epoch > 0} in the fence object (compare-and-set), deciding first
     * every pending commit of an older epoch when this raises the fence.
     *
     * @throws FencedException if a newer epoch registered
     */
    private void register(CheckpointId id, long epoch, String attemptId) throws IOException {
        String key = layout.epochKey();
        synchronized (fenceLock) {
            for (int round = 0; round < 50; round++) {
                Fence f = fence != null ? fence : readFence();
                if (f.record().isPending(attemptId)) { // an earlier round's answer was lost, but it landed
                    fence = f;
                    return;
                }
                if (f.record().epoch() > epoch) {
                    fence = f;
                    throw new FencedException(
                            "commit of checkpoint '" + id + "'",
                            epoch,
                            f.record().epoch());
                }
                List<FenceRecord.Pending> keep = new ArrayList<>();
                List<String> dropped = new ArrayList<>();
                for (FenceRecord.Pending p : f.record().pending()) {
                    if (ended.contains(p.attemptId())) {
                        dropped.add(p.attemptId());
                    } else if (p.epoch() < epoch) {
                        decide(p, epoch);
                    } else {
                        keep.add(p);
                    }
                }
                keep.add(new FenceRecord.Pending(epoch, attemptId, id));
                FenceRecord next = new FenceRecord(Math.max(epoch, f.record().epoch()), keep);
                Optional<String> etag;
                try {
                    etag = f.etag() == null
                            ? store.putIfAbsent(key, next.encode(), Map.of())
                            : store.putIfMatch(key, next.encode(), f.etag(), Map.of());
                } catch (OutcomeUnknownException e) {
                    fence = null; // read it back: it may have landed
                    continue;
                }
                if (etag.isPresent()) {
                    fence = new Fence(next, etag.get());
                    ended.removeAll(dropped);
                    return;
                }
                fence = null; // another writer changed it: read it again
            }
        }
        throw new IOException("could not register the commit of checkpoint '" + id + "' in the fence object "
                + store.describe(key) + ": too many concurrent commits");
    }

    /**
     * Decides a pending commit of an older epoch: a void marker created at its manifest key
     * refuses its manifest forever, unless the manifest is there already (then it stays).
     */
    private void decide(FenceRecord.Pending p, long newEpoch) throws IOException {
        String key = layout.manifestKey(p.id());
        for (int round = 0; round < 10; round++) {
            try {
                if (store.putIfAbsent(key, new byte[0], Map.of(VOIDED_EPOCH, Long.toString(p.epoch())))
                        .isPresent()) {
                    return; // voided
                }
            } catch (OutcomeUnknownException e) {
                // read back below
            }
            if (store.head(key).isPresent()) {
                return; // its manifest landed first, or our marker did: decided either way
            }
        }
        throw new IOException("could not decide the pending commit of checkpoint '" + p.id() + "' (attempt "
                + p.attemptId() + ", epoch " + p.epoch() + ") for epoch " + newEpoch + " at " + store.describe(key));
    }

    /** One attempt: the protocol is {@link AbstractCheckpointWriter}'s; parts are uploaded objects. */
    private final class S3Writer extends Writer {
        S3Writer(CheckpointId id, long epoch, String attemptId) {
            super(id, epoch, attemptId);
        }

        @Override
        protected PartOutput openPartOutput(String name, int index) {
            UploadStream upload = new UploadStream(store, partKey(name));
            return upload(upload, upload::abort);
        }

        @Override
        protected CheckpointInfo publish(CheckpointInfo info) throws IOException {
            if (epoch() > 0) {
                register(id(), epoch(), attemptId());
            }
            Optional<String> created;
            try {
                created = store.putIfAbsent(layout.manifestKey(id()), ManifestCodec.encode(info), Map.of());
            } catch (OutcomeUnknownException e) {
                return reconcile(info, e);
            }
            if (created.isPresent()) {
                return committed(info);
            }
            return reconcile(info, null);
        }

        /**
         * After a refused or unanswered manifest PUT: the manifest tells whether this attempt won
         * (an SDK retry of a PUT whose first answer was lost is refused by its own success).
         */
        private CheckpointInfo reconcile(CheckpointInfo info, OutcomeUnknownException unknown) throws IOException {
            CheckpointId id = id();
            Optional<CheckpointInfo> stored;
            try {
                Optional<ObjectStore.Blob> blob = store.get(layout.manifestKey(id)); // one read decides
                if (blob.isPresent() && isVoid(blob.get())) {
                    return replaceVoid(info, blob.get());
                }
                stored = manifestIn(id, blob);
            } catch (FencedException e) {
                throw e;
            } catch (IOException e) {
                throw readBackFailed(e, unknown);
            }
            Optional<CheckpointInfo> won = settle(stored, unknown);
            if (won.isPresent()) {
                return committed(won.get());
            }
            // Refused, yet nothing is there: the id was deleted in between. Try once more.
            try {
                if (store.putIfAbsent(layout.manifestKey(id), ManifestCodec.encode(info), Map.of())
                        .isPresent()) {
                    return committed(info);
                }
            } catch (OutcomeUnknownException e) {
                return reconcile(info, e);
            }
            return reconcile(
                    info,
                    new OutcomeUnknownException(
                            "commit of checkpoint " + id + " was refused twice but no manifest is visible", null));
        }

        /**
         * The id holds a void marker: a fence decided a commit of an older epoch on it. This
         * commit replaces the marker if its epoch is greater than the voided one (or 0), and is
         * fenced otherwise.
         */
        private CheckpointInfo replaceVoid(CheckpointInfo info, ObjectStore.Blob marker) throws IOException {
            long voided = voidedEpoch(marker);
            if (epoch() != 0 && epoch() <= voided) {
                throw new FencedException(
                        "commit of checkpoint '" + id() + "' (attempt " + attemptId() + "): a newer epoch voided it",
                        epoch(),
                        -1);
            }
            Optional<String> created;
            try {
                created =
                        store.putIfMatch(layout.manifestKey(id()), ManifestCodec.encode(info), marker.etag(), Map.of());
            } catch (OutcomeUnknownException e) {
                return reconcile(info, e);
            }
            if (created.isPresent()) {
                return committed(info);
            }
            return reconcile(info, null);
        }

        private CheckpointInfo committed(CheckpointInfo info) {
            recent.put(id(), true);
            return info;
        }

        @Override
        protected void ended(State outcome) {
            super.ended(outcome);
            if (outcome != State.UNKNOWN) {
                ended.add(attemptId());
            }
        }
    }
}

package dev.lifeboat.backend.azure.internal;

import static java.util.Objects.requireNonNull;

import com.azure.core.util.Context;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.lifeboat.backend.common.checkpoint.Attempts;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.io.Crc32cOutputStream;
import dev.lifeboat.backend.common.io.VerifyingInputStream;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A checkpoint store on Azure Blob. Parts are block blobs under the attempt's own folder (staged
 * blocks above the block size); {@code commit} publishes the manifest with
 * {@code If-None-Match: *}, the atomic put-if-absent: no rename, no copy. A commit whose answer was
 * lost is reconciled by reading the manifest back. Listing is strongly consistent on Azure, so
 * {@code list} is one LIST.
 *
 * <p><b>Epoch fencing.</b> A commit with epoch {@code e > 0} takes a short lease on the epoch
 * blob, reads it, refuses with {@link FencedException} if it holds a greater epoch, raises it to
 * {@code e} with {@code If-Match} under the lease, publishes the manifest, and releases the lease.
 * The lease makes the check and the publication one exclusive section that storage enforces: a
 * newer epoch cannot pass its check while an older commit is between its check and its
 * publication. The manifest PUT is sent only while the lease has at least
 * {@link #LEASE_MARGIN} left by this process's monotonic clock, with a deadline that ends before
 * the lease does, so a commit paused past its lease gives up instead of publishing.
 */
public final class AzureCheckpointStore implements CheckpointStore {
    /** The fencing lease: long enough for a check and a PUT, short enough that a crashed holder does not block long. */
    static final Duration LEASE = Duration.ofSeconds(20);

    static final Duration LEASE_MARGIN = Duration.ofSeconds(3);

    private final Blobs blobs;
    private final Set<Capability> capabilities;
    private final Set<Writer> openWriters = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public AzureCheckpointStore(Blobs blobs, Set<Capability> capabilities) {
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public CheckpointWriter begin(CheckpointId id, long epoch) throws IOException {
        requireNonNull(id, "id is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch is negative: " + epoch);
        }
        checkOpen();
        Writer w = new Writer(id, epoch, Attempts.newAttemptId());
        openWriters.add(w);
        return w;
    }

    @Override
    public Optional<Checkpoint> open(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        return readManifest(id).map(AzureCheckpoint::new);
    }

    private Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException {
        String name = CheckpointLayout.manifest(id);
        Optional<Blobs.Blob> blob = blobs.get(name);
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        CheckpointInfo info = ManifestCodec.decode(blob.get().bytes(), blobs.describe(name));
        if (!info.id().equals(id)) {
            throw new CorruptDataException(
                    blobs.describe(name),
                    -1,
                    "manifest names checkpoint '" + info.id() + "' but is stored as '" + id + "'");
        }
        return Optional.of(info);
    }

    @Override
    public List<CheckpointId> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        checkOpen();
        TreeSet<CheckpointId> ids = new TreeSet<>();
        for (Blobs.Item item : blobs.list(CheckpointLayout.MANIFESTS + prefix)) {
            CheckpointLayout.idOfManifest(item.name())
                    .filter(id -> id.hasPrefix(prefix))
                    .ifPresent(ids::add);
        }
        return List.copyOf(ids);
    }

    @Override
    public boolean delete(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        String name = CheckpointLayout.manifest(id);
        Optional<Blobs.Blob> blob = blobs.get(name);
        if (blob.isEmpty()) {
            return false;
        }
        Optional<String> attempt;
        try {
            attempt = Optional.of(ManifestCodec.decode(blob.get().bytes(), blobs.describe(name))
                    .attemptId());
        } catch (CorruptDataException e) {
            attempt = Optional.empty(); // its parts are left to garbage collection
        }
        blobs.delete(name); // stops being listed at once
        if (attempt.isPresent()) {
            blobs.deleteAll(CheckpointLayout.attemptFolder(attempt.get()));
        }
        return true;
    }

    @Override
    public int collectGarbage(Duration minAge) throws IOException {
        requireNonNull(minAge, "minAge is null");
        if (minAge.isNegative()) {
            throw new IllegalArgumentException("minAge is negative: " + minAge);
        }
        checkOpen();
        long cutoff = System.currentTimeMillis() - minAge.toMillis();
        int removed = 0;
        for (String folder : blobs.listFolders(CheckpointLayout.ATTEMPTS)) {
            String attemptId = folder.substring(CheckpointLayout.ATTEMPTS.length(), folder.length() - 1);
            if (!Attempts.isAttemptId(attemptId)
                    || Attempts.startMillis(attemptId) > cutoff
                    || isCommitted(attemptId, folder)) {
                continue;
            }
            blobs.deleteAll(folder);
            removed++;
        }
        return removed;
    }

    /** Whether a manifest names this attempt (then its parts are live). */
    private boolean isCommitted(String attemptId, String folder) throws IOException {
        Set<String> ids = new TreeSet<>();
        for (Blobs.Item item : blobs.list(folder)) {
            CheckpointLayout.keyOfPart(item.name())
                    .ifPresent(key -> ids.add(
                            item.name().substring(folder.length(), item.name().indexOf('/', folder.length()))));
        }
        for (String encoded : ids) {
            Optional<CheckpointId> id;
            try {
                id = Optional.of(CheckpointId.of(java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                id = Optional.empty();
            }
            if (id.isEmpty()) {
                continue;
            }
            try {
                Optional<CheckpointInfo> info = readManifest(id.get());
                if (info.isPresent() && info.get().attemptId().equals(attemptId)) {
                    return true;
                }
            } catch (CorruptDataException e) {
                return true; // cannot tell: keep the bytes rather than lose a checkpoint
            }
        }
        return false;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (Writer w : List.copyOf(openWriters)) {
            try {
                w.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        blobs.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the checkpoint store " + blobs.location() + " is closed");
        }
    }

    /** The exclusive section of a fenced commit, held as a lease on the epoch blob. */
    private final class FencingLease implements AutoCloseable {
        private final BlobLeaseClient lease;
        private final long acquiredNanos;

        private FencingLease(BlobLeaseClient lease, long acquiredNanos) {
            this.lease = lease;
            this.acquiredNanos = acquiredNanos;
        }

        /** What remains of the lease by this process's clock, counted from before the acquire was sent. */
        Duration remaining() {
            return LEASE.minus(Duration.ofNanos(System.nanoTime() - acquiredNanos));
        }

        String id() {
            return lease.getLeaseId();
        }

        @Override
        public void close() {
            try {
                blobs.call(
                        "release the lease on",
                        CheckpointLayout.EPOCH,
                        () -> lease.releaseLeaseWithResponse(
                                (com.azure.core.http.RequestConditions) null, blobs.callTimeout(), Context.NONE));
            } catch (IOException e) {
                // It expires by itself within LEASE.
            }
        }
    }

    private FencingLease acquireFencingLease(CheckpointId id) throws IOException {
        try {
            blobs.putIfAbsent(CheckpointLayout.EPOCH, EpochText.encode(0));
        } catch (OutcomeUnknownException e) {
            // whether it landed or not, the acquire below finds out
        }
        long deadline = System.nanoTime() + LEASE.plus(blobs.callTimeout()).toNanos();
        int waitMillis = 20;
        while (true) {
            BlobLeaseClient lease = new BlobLeaseClientBuilder()
                    .blobClient(blobs.blob(CheckpointLayout.EPOCH))
                    .buildClient();
            long started = System.nanoTime();
            try {
                blobs.call(
                        "lease",
                        CheckpointLayout.EPOCH,
                        () -> lease.acquireLeaseWithResponse(
                                (int) LEASE.toSeconds(), null, blobs.callTimeout(), Context.NONE));
                return new FencingLease(lease, started);
            } catch (Blobs.ConditionFailed e) {
                // another commit holds it
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("commit of checkpoint " + id + ": the fencing lease on "
                        + blobs.describe(CheckpointLayout.EPOCH) + " stayed taken for "
                        + LEASE.plus(blobs.callTimeout()));
            }
            try {
                Thread.sleep(waitMillis + ThreadLocalRandom.current().nextInt(waitMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the fencing lease");
            }
            waitMillis = Math.min(waitMillis * 2, 500);
        }
    }

    private enum State {
        OPEN,
        COMMITTED,
        ABORTED,
        UNKNOWN
    }

    /** One attempt. */
    private final class Writer implements CheckpointWriter {
        private final CheckpointId id;
        private final long epoch;
        private final String attemptId;
        private final List<PartInfo> parts = new ArrayList<>();
        private final List<String> uploaded = new ArrayList<>();
        private PartStream current;
        private State state = State.OPEN;
        private IOException partFailure;

        Writer(CheckpointId id, long epoch, String attemptId) {
            this.id = id;
            this.epoch = epoch;
            this.attemptId = attemptId;
        }

        @Override
        public CheckpointId id() {
            return id;
        }

        @Override
        public String attemptId() {
            return attemptId;
        }

        @Override
        public OutputStream openPart(String name) throws IOException {
            Names.validate("part name", name);
            checkWritable();
            if (parts.stream().anyMatch(p -> p.name().equals(name)) || (current != null && current.name.equals(name))) {
                throw new IllegalArgumentException(
                        "part '" + name + "' was already written in attempt " + attemptId + " of checkpoint " + id);
            }
            finishCurrent();
            String blob = CheckpointLayout.part(attemptId, id, name);
            current = new PartStream(name, blob, new BlockUpload(blobs, blob));
            return current;
        }

        private void finishCurrent() throws IOException {
            if (current != null) {
                PartStream p = current;
                current = null;
                p.close();
            }
            if (partFailure != null) {
                throw new IOException(
                        "a part of checkpoint " + id + " failed to upload: " + partFailure.getMessage(), partFailure);
            }
        }

        private void checkWritable() {
            if (state != State.OPEN) {
                throw new IllegalStateException("attempt " + attemptId + " of checkpoint " + id + " is "
                        + state.name().toLowerCase(Locale.ROOT));
            }
            checkOpen();
        }

        @Override
        public CheckpointInfo commit() throws IOException {
            checkWritable();
            try {
                finishCurrent();
            } catch (IOException e) {
                abort(e);
                throw e;
            }
            CheckpointInfo info = new CheckpointInfo(id, epoch, attemptId, System.currentTimeMillis(), parts);
            if (epoch == 0) {
                return publish(info, blobs.callTimeout());
            }
            FencingLease lease;
            try {
                lease = acquireFencingLease(id);
            } catch (IOException e) {
                abort(e);
                throw e;
            }
            try (lease) {
                try {
                    advanceEpoch(lease);
                } catch (IOException e) {
                    abort(e);
                    throw e;
                }
                Duration budget = lease.remaining().minus(LEASE_MARGIN);
                if (budget.compareTo(Duration.ofSeconds(1)) < 0) {
                    IOException e = new IOException("commit of checkpoint " + id + " took too long inside its fencing"
                            + " lease; not published, try again");
                    abort(e);
                    throw e;
                }
                return publish(info, budget.compareTo(blobs.callTimeout()) < 0 ? budget : blobs.callTimeout());
            }
        }

        /** Raises the epoch blob to this writer's epoch under the lease, or refuses if it holds a greater one. */
        private void advanceEpoch(FencingLease lease) throws IOException {
            Blobs.Blob blob = blobs.get(CheckpointLayout.EPOCH)
                    .orElseThrow(
                            () -> new IOException(blobs.describe(CheckpointLayout.EPOCH) + " vanished while leased"));
            long current = EpochText.decode(blob.bytes(), blobs.describe(CheckpointLayout.EPOCH));
            if (current > epoch) {
                throw new FencedException("commit of checkpoint " + id, epoch, current);
            }
            if (current < epoch
                    && blobs.putIfMatch(CheckpointLayout.EPOCH, EpochText.encode(epoch), blob.etag(), lease.id())
                            .isEmpty()) {
                throw new IOException("the epoch blob " + blobs.describe(CheckpointLayout.EPOCH)
                        + " changed under the fencing lease");
            }
        }

        private CheckpointInfo publish(CheckpointInfo info, Duration deadline) throws IOException {
            String name = CheckpointLayout.manifest(id);
            byte[] manifest = ManifestCodec.encode(info);
            Optional<String> created;
            try {
                created = Optional.ofNullable(blobs.callWrite(
                                        "publish",
                                        name,
                                        () -> blobs.blockBlob(name)
                                                .uploadWithResponse(
                                                        new com.azure.storage.blob.options.BlockBlobSimpleUploadOptions(
                                                                        com.azure.core.util.BinaryData.fromBytes(
                                                                                manifest))
                                                                .setRequestConditions(
                                                                        new com.azure.storage.blob.models
                                                                                        .BlobRequestConditions()
                                                                                .setIfNoneMatch("*")),
                                                        deadline,
                                                        Context.NONE))
                                .getValue()
                                .getETag())
                        .map(etag -> etag);
            } catch (Blobs.ConditionFailed e) {
                created = Optional.empty();
            } catch (OutcomeUnknownException e) {
                return reconcile(info, e);
            } catch (IOException e) {
                abort(e);
                throw e;
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
            Optional<CheckpointInfo> stored;
            try {
                stored = readManifest(id);
            } catch (IOException e) {
                if (unknown == null) {
                    abort(e);
                    throw e;
                }
                unknown.addSuppressed(e);
                leaveUnknown();
                throw outcomeUnknown(unknown);
            }
            if (stored.isPresent() && stored.get().attemptId().equals(attemptId)) {
                return committed(stored.get());
            }
            if (stored.isPresent()) {
                abort(null);
                throw new AlreadyCommittedException(id);
            }
            if (unknown != null) {
                // Not there now, but the request may still land: keep the parts (garbage
                // collection removes them if it never does).
                leaveUnknown();
                throw outcomeUnknown(unknown);
            }
            // Refused, yet nothing is there: the id was deleted in between.
            leaveUnknown();
            throw outcomeUnknown(new OutcomeUnknownException(
                    "the manifest of checkpoint " + id
                            + " was refused as existing but is not there now (deleted concurrently?)",
                    null));
        }

        private void leaveUnknown() {
            state = State.UNKNOWN;
            openWriters.remove(this);
        }

        private OutcomeUnknownException outcomeUnknown(OutcomeUnknownException cause) {
            return new OutcomeUnknownException(
                    "commit of checkpoint " + id + " (attempt " + attemptId
                            + ") may or may not have taken effect; reconcile with open(" + id + ")",
                    cause);
        }

        private CheckpointInfo committed(CheckpointInfo info) {
            state = State.COMMITTED;
            openWriters.remove(this);
            return info;
        }

        private void abort(IOException cause) {
            if (state != State.OPEN) {
                return;
            }
            state = State.ABORTED;
            openWriters.remove(this);
            if (current != null) {
                current.abandon();
                current = null;
            }
            for (String blob : uploaded) {
                try {
                    blobs.delete(blob);
                } catch (IOException e) {
                    if (cause != null) {
                        cause.addSuppressed(e);
                    } // else: garbage collection removes it
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (state == State.OPEN) {
                abort(null);
            }
        }

        /** One part: counts, checksums and uploads what is written. */
        private final class PartStream extends OutputStream {
            private final String name;
            private final String blob;
            private final BlockUpload upload;
            private final Crc32cOutputStream crc;
            private boolean done;

            PartStream(String name, String blob, BlockUpload upload) {
                this.name = name;
                this.blob = blob;
                this.upload = upload;
                this.crc = new Crc32cOutputStream(upload);
            }

            @Override
            public void write(int b) throws IOException {
                check();
                crc.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                check();
                crc.write(b, off, len);
            }

            private void check() throws IOException {
                if (done) {
                    throw new IOException("part '" + name + "' of checkpoint " + id + " is closed");
                }
                checkWritable();
            }

            @Override
            public void close() throws IOException {
                if (done) {
                    return;
                }
                done = true;
                if (current == this) {
                    current = null;
                }
                try {
                    upload.close();
                    uploaded.add(blob);
                    parts.add(new PartInfo(name, crc.count(), crc.crc32c()));
                } catch (IOException e) {
                    partFailure = e;
                    throw e;
                }
            }

            void abandon() {
                done = true;
                upload.abort();
            }
        }
    }

    /** A committed checkpoint. */
    private final class AzureCheckpoint implements Checkpoint {
        private final CheckpointInfo info;

        AzureCheckpoint(CheckpointInfo info) {
            this.info = info;
        }

        @Override
        public CheckpointInfo info() {
            return info;
        }

        @Override
        public InputStream openPart(String name) throws IOException {
            requireNonNull(name, "name is null");
            checkOpen();
            PartInfo part = info.part(name)
                    .orElseThrow(
                            () -> new NoSuchFileException("checkpoint '" + info.id() + "' has no part '" + name + "'"));
            String blob = CheckpointLayout.part(info.attemptId(), info.id(), name);
            String where = "checkpoint '" + info.id() + "' part '" + name + "' (" + blobs.describe(blob) + ")";
            InputStream in = blobs.openStream(blob)
                    .orElseThrow(() -> new NoSuchFileException(where, null, "the part's blob is gone"));
            return VerifyingInputStream.ofWholeObject(
                    in, part.length(), part.crc32c(), detail -> new CorruptDataException(where, -1, detail));
        }
    }
}

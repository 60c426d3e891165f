package dev.lifeboat.backend.azure.internal;

import static java.util.Objects.requireNonNull;

import com.azure.core.util.Context;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.lifeboat.backend.common.checkpoint.AbstractCheckpointWriter;
import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.objectstore.CheckpointKeys;
import dev.lifeboat.backend.common.objectstore.ObjectStoreCheckpointStore;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
public final class AzureCheckpointStore extends ObjectStoreCheckpointStore {
    /** The fencing lease: long enough for a check and a PUT, short enough that a crashed holder does not block long. */
    static final Duration LEASE = Duration.ofSeconds(20);

    static final Duration LEASE_MARGIN = Duration.ofSeconds(3);

    /** The checkpoint blobs, below the store's prefix; part names are URL-encoded. */
    static final CheckpointKeys KEYS = new CheckpointKeys("", CheckpointKeys.PartNames.URL_ENCODED);

    private static final String EPOCH = KEYS.epochKey();

    private final Blobs blobs;

    public AzureCheckpointStore(Blobs blobs, Set<Capability> capabilities) {
        super(KEYS, requireNonNull(blobs, "blobs is null"), blobs.location(), "blob", capabilities);
        this.blobs = blobs;
    }

    @Override
    protected List<String> listNames(String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        for (Blobs.Item item : blobs.list(prefix)) {
            names.add(item.name());
        }
        return names;
    }

    @Override
    protected List<String> listFolders(String prefix) throws IOException {
        return blobs.listFolders(prefix);
    }

    @Override
    protected void deleteFolder(String folder) throws IOException {
        blobs.deleteAll(folder);
    }

    @Override
    protected void deleteObject(String key) throws IOException {
        blobs.delete(key);
    }

    @Override
    protected Optional<InputStream> openObject(String key) throws IOException {
        return blobs.openStream(key);
    }

    @Override
    protected String describe(String key) {
        return blobs.describe(key);
    }

    @Override
    protected Writer newWriter(CheckpointId id, long epoch, String attemptId) {
        return new AzureWriter(id, epoch, attemptId);
    }

    @Override
    protected Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException {
        String name = KEYS.manifestKey(id);
        Optional<Blobs.Blob> blob = blobs.get(name);
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ManifestCodec.decode(id, blob.get().bytes(), blobs.describe(name)));
    }

    @Override
    public boolean delete(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        checkOpen();
        String name = KEYS.manifestKey(id);
        Optional<Blobs.Blob> blob = blobs.get(name);
        if (blob.isEmpty()) {
            return false;
        }
        Optional<String> attempt = ManifestCodec.attemptIdIfIntact(blob.get().bytes(), blobs.describe(name));
        blobs.delete(name); // stops being listed at once
        if (attempt.isPresent()) {
            blobs.deleteAll(KEYS.attemptFolder(attempt.get()));
        }
        return true;
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
                        EPOCH,
                        () -> lease.releaseLeaseWithResponse(
                                (com.azure.core.http.RequestConditions) null, blobs.callTimeout(), Context.NONE));
            } catch (IOException e) {
                // It expires by itself within LEASE.
            }
        }
    }

    private FencingLease acquireFencingLease(CheckpointId id) throws IOException {
        try {
            blobs.putIfAbsent(EPOCH, EpochText.encode(0));
        } catch (OutcomeUnknownException e) {
            // whether it landed or not, the acquire below finds out
        }
        long deadline = System.nanoTime() + LEASE.plus(blobs.callTimeout()).toNanos();
        int waitMillis = 20;
        while (true) {
            BlobLeaseClient lease =
                    new BlobLeaseClientBuilder().blobClient(blobs.blob(EPOCH)).buildClient();
            long started = System.nanoTime();
            try {
                blobs.call(
                        "lease",
                        EPOCH,
                        () -> lease.acquireLeaseWithResponse(
                                (int) LEASE.toSeconds(), null, blobs.callTimeout(), Context.NONE));
                return new FencingLease(lease, started);
            } catch (Blobs.ConditionFailed e) {
                // another commit holds it
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("commit of checkpoint " + id + ": the fencing lease on "
                        + blobs.describe(EPOCH) + " stayed taken for "
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

    /** One attempt: the protocol is {@link AbstractCheckpointWriter}'s; parts are block blobs. */
    private final class AzureWriter extends Writer {
        AzureWriter(CheckpointId id, long epoch, String attemptId) {
            super(id, epoch, attemptId);
        }

        @Override
        protected PartOutput openPartOutput(String name, int index) {
            BlockUpload upload = new BlockUpload(blobs, partKey(name));
            return upload(upload, upload::abort);
        }

        @Override
        protected CheckpointInfo publish(CheckpointInfo info) throws IOException {
            if (epoch() == 0) {
                return publish(info, blobs.callTimeout());
            }
            try (FencingLease lease = acquireFencingLease(id())) {
                advanceEpoch(lease);
                Duration budget = lease.remaining().minus(LEASE_MARGIN);
                if (budget.compareTo(Duration.ofSeconds(1)) < 0) {
                    throw new IOException("commit of checkpoint " + id() + " took too long inside its fencing"
                            + " lease; not published, try again");
                }
                return publish(info, budget.compareTo(blobs.callTimeout()) < 0 ? budget : blobs.callTimeout());
            }
        }

        /** Raises the epoch blob to this writer's epoch under the lease, or refuses if it holds a greater one. */
        private void advanceEpoch(FencingLease lease) throws IOException {
            Blobs.Blob blob = blobs.get(EPOCH)
                    .orElseThrow(() -> new IOException(blobs.describe(EPOCH) + " vanished while leased"));
            long current = EpochText.decode(blob.bytes(), blobs.describe(EPOCH));
            if (current > epoch()) {
                throw new FencedException("commit of checkpoint " + id(), epoch(), current);
            }
            if (current < epoch()
                    && blobs.putIfMatch(EPOCH, EpochText.encode(epoch()), blob.etag(), lease.id())
                            .isEmpty()) {
                throw new IOException("the epoch blob " + blobs.describe(EPOCH) + " changed under the fencing lease");
            }
        }

        private CheckpointInfo publish(CheckpointInfo info, Duration deadline) throws IOException {
            String name = KEYS.manifestKey(id());
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
                return reconcile(e);
            }
            if (created.isPresent()) {
                return info;
            }
            return reconcile(null);
        }

        /**
         * After a refused or unanswered manifest PUT: the manifest tells whether this attempt won
         * (an SDK retry of a PUT whose first answer was lost is refused by its own success).
         */
        private CheckpointInfo reconcile(OutcomeUnknownException unknown) throws IOException {
            Optional<CheckpointInfo> stored;
            try {
                stored = readManifest(id());
            } catch (IOException e) {
                throw readBackFailed(e, unknown);
            }
            Optional<CheckpointInfo> won = settle(stored, unknown);
            if (won.isPresent()) {
                return won.get();
            }
            // Refused, yet nothing is there: the id was deleted in between.
            throw outcomeUnknown(new OutcomeUnknownException(
                    "the manifest of checkpoint " + id()
                            + " was refused as existing but is not there now (deleted concurrently?)",
                    null));
        }
    }
}

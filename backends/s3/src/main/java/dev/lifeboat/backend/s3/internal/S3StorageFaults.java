package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.objectstore.CheckpointKeys;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link StorageFaults} over the objects below a store's prefix, bypassing the store: a flipped
 * byte (or bit) is a GET, a change and an unconditional PUT; a truncation a GET and a PUT of the
 * prefix; a delete a DELETE. Damage hits the bytes only: the rewritten object keeps the user
 * metadata its writer gave it, as damage in a server's storage would. Object names are their keys,
 * as the stores name them in errors.
 */
public final class S3StorageFaults implements StorageFaults {
    private final S3Settings settings;

    /** Each operation uses its own short-lived client: the kit never closes a {@link StorageFaults}. */
    public S3StorageFaults(S3Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public List<StoredObject> list(StoredKind kind) throws IOException {
        requireNonNull(kind, "kind is null");
        try (ObjectStore store = ObjectStore.open(settings)) {
            List<StoredObject> out = new ArrayList<>();
            for (ObjectStore.ObjectInfo o : store.list(store.key(""))) {
                classify(store, o).filter(s -> s.kind() == kind).ifPresent(out::add);
            }
            out.sort(Comparator.comparing(StoredObject::name));
            return out;
        }
    }

    private static Optional<StoredObject> classify(ObjectStore store, ObjectStore.ObjectInfo o) throws IOException {
        String relative;
        try {
            relative = store.location().relative(o.key());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<Long> lsn = WalLayout.parseSegmentName(relative);
        if (lsn.isPresent()) {
            if (o.size() < 256) { // could be a claim marker, which holds no records
                Optional<ObjectStore.Blob> blob = store.get(o.key());
                if (blob.isEmpty() || WalLayout.Claim.decode(blob.get().bytes()).isPresent()) {
                    return Optional.empty();
                }
            }
            return of(StoredKind.WAL_SEGMENT, o, String.valueOf(lsn.get()));
        }
        CheckpointKeys checkpoints = new CheckpointKeys("", CheckpointKeys.PartNames.AS_IS);
        Optional<CheckpointId> manifest = checkpoints.idOfManifest(relative);
        if (manifest.isPresent()) {
            return of(StoredKind.CHECKPOINT_MANIFEST, o, manifest.get().value());
        }
        if (relative.startsWith(CheckpointKeys.ATTEMPTS)) {
            Optional<String> part = checkpoints.partOf(relative);
            return part.isPresent() ? of(StoredKind.CHECKPOINT_PART, o, part.get()) : Optional.empty();
        }
        if (relative.startsWith(S3ShuffleBlockStore.ROOT)) {
            String[] f = relative.substring(S3ShuffleBlockStore.ROOT.length()).split("/", -1);
            if (f.length == 3) {
                String key = f[0] + "/" + f[1];
                if (f[2].equals("index")) {
                    return of(StoredKind.SHUFFLE_INDEX, o, key);
                }
                if (f[2].endsWith(".data")) {
                    return of(StoredKind.SHUFFLE_DATA, o, key);
                }
            }
            return Optional.empty();
        }
        if (relative.equals(S3LeaderElection.LEASE)) {
            return of(StoredKind.ELECTION_STATE, o, relative);
        }
        return of(StoredKind.OTHER, o, relative);
    }

    private static Optional<StoredObject> of(StoredKind kind, ObjectStore.ObjectInfo o, String key) {
        return Optional.of(new StoredObject(kind, o.key(), key, o.size()));
    }

    @Override
    public void flipByte(StoredObject object, long offset) throws IOException {
        flip(object, offset, 0xFF);
    }

    /** Inverts bit {@code bit} (0 = least significant) of the byte at {@code offset}: the smallest damage. */
    public void flipBit(StoredObject object, long offset, int bit) throws IOException {
        if (bit < 0 || bit > 7) {
            throw new IllegalArgumentException("bit " + bit + " is not 0..7");
        }
        flip(object, offset, 1 << bit);
    }

    private void flip(StoredObject object, long offset, int mask) throws IOException {
        try (ObjectStore store = ObjectStore.open(settings)) {
            ObjectStore.Blob blob = read(store, object);
            byte[] bytes = blob.bytes().clone();
            if (offset < 0 || offset >= bytes.length) {
                throw new IllegalArgumentException(
                        "offset " + offset + " is outside " + object.name() + " (" + bytes.length + " bytes)");
            }
            bytes[(int) offset] = (byte) (bytes[(int) offset] ^ mask);
            store.put(object.name(), bytes, blob.metadata());
        }
    }

    @Override
    public void truncate(StoredObject object, long length) throws IOException {
        try (ObjectStore store = ObjectStore.open(settings)) {
            ObjectStore.Blob blob = read(store, object);
            if (length < 0 || length > blob.bytes().length) {
                throw new IllegalArgumentException(
                        "length " + length + " is outside " + object.name() + " (" + blob.bytes().length + " bytes)");
            }
            store.put(object.name(), Arrays.copyOf(blob.bytes(), (int) length), blob.metadata());
        }
    }

    @Override
    public void delete(StoredObject object) throws IOException {
        try (ObjectStore store = ObjectStore.open(settings)) {
            store.delete(object.name());
        }
    }

    /** Damage that keeps the object's metadata, as bytes appended on disk would. */
    @Override
    public void append(StoredObject object, byte[] bytes) throws IOException {
        try (ObjectStore store = ObjectStore.open(settings)) {
            ObjectStore.Blob blob = read(store, object);
            byte[] old = blob.bytes();
            byte[] longer = Arrays.copyOf(old, old.length + bytes.length);
            System.arraycopy(bytes, 0, longer, old.length, bytes.length);
            store.put(object.name(), longer, blob.metadata());
        }
    }

    private static ObjectStore.Blob read(ObjectStore store, StoredObject object) throws IOException {
        return store.get(object.name()).orElseThrow(() -> new NoSuchFileException(store.describe(object.name())));
    }
}

package dev.lifeboat.backend.azure.internal;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobType;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Damages the blobs of one store, bypassing the stores' checks: rewrites a blob with a flipped
 * byte or cut short (an append blob is recreated as an append blob), or deletes it. Knows every
 * store's layout, so one root can be inspected whatever was opened on it.
 */
public final class AzureStorageFaults implements StorageFaults {
    private final Blobs blobs;

    public AzureStorageFaults(Blobs blobs) {
        this.blobs = blobs;
    }

    @Override
    public List<StoredObject> list(StoredKind kind) throws IOException {
        List<StoredObject> out = new ArrayList<>();
        for (Blobs.Item item : blobs.list("")) {
            classify(item).filter(o -> o.kind() == kind).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(StoredObject::name));
        return out;
    }

    private Optional<StoredObject> classify(Blobs.Item item) {
        String n = item.name();
        String name = blobs.describe(n);
        if (n.equals(AzureCheckpointStore.KEYS.epochKey())) {
            return Optional.of(new StoredObject(StoredKind.OTHER, name, "epoch", item.size()));
        }
        Optional<StoredObject> manifest = AzureCheckpointStore.KEYS
                .idOfManifest(n)
                .map(id -> new StoredObject(StoredKind.CHECKPOINT_MANIFEST, name, id.value(), item.size()));
        if (manifest.isPresent()) {
            return manifest;
        }
        Optional<StoredObject> part = AzureCheckpointStore.KEYS
                .partOf(n)
                .map(key -> new StoredObject(StoredKind.CHECKPOINT_PART, name, key, item.size()));
        if (part.isPresent()) {
            return part;
        }
        Optional<StoredObject> segment = AzureSegments.parse(item)
                .map(seg -> new StoredObject(StoredKind.WAL_SEGMENT, name, Long.toString(seg.firstLsn()), item.size()));
        if (segment.isPresent()) {
            return segment;
        }
        if (n.equals(AzureLeaderElection.BLOB)) {
            return Optional.of(new StoredObject(StoredKind.ELECTION_STATE, name, "leader", item.size()));
        }
        Optional<StoredObject> shuffle = AzureShuffleBlockStore.keyOf(n)
                .map(key -> new StoredObject(StoredKind.SHUFFLE_DATA, name, key, item.size()));
        if (shuffle.isPresent()) {
            return shuffle;
        }
        return Optional.of(new StoredObject(StoredKind.OTHER, name, n, item.size()));
    }

    private String nameOf(StoredObject object) throws NoSuchFileException {
        String root = blobs.describe("");
        if (!object.name().startsWith(root)) {
            throw new NoSuchFileException(object.name(), null, "not a blob of " + root);
        }
        return object.name().substring(root.length());
    }

    @Override
    public void flipByte(StoredObject object, long offset) throws IOException {
        String name = nameOf(object);
        byte[] bytes = read(name);
        if (offset < 0 || offset >= bytes.length) {
            throw new IllegalArgumentException(
                    "offset " + offset + " is outside " + object.name() + " of " + bytes.length + " bytes");
        }
        bytes[(int) offset] ^= (byte) 0xff;
        rewrite(name, bytes);
    }

    @Override
    public void truncate(StoredObject object, long length) throws IOException {
        String name = nameOf(object);
        byte[] bytes = read(name);
        if (length < 0 || length > bytes.length) {
            throw new IllegalArgumentException(
                    "length " + length + " is outside " + object.name() + " of " + bytes.length + " bytes");
        }
        rewrite(name, Arrays.copyOf(bytes, (int) length));
    }

    @Override
    public void delete(StoredObject object) throws IOException {
        blobs.delete(nameOf(object));
    }

    @Override
    public void append(StoredObject object, byte[] bytes) throws IOException {
        String name = nameOf(object);
        byte[] old = read(name);
        byte[] longer = Arrays.copyOf(old, old.length + bytes.length);
        System.arraycopy(bytes, 0, longer, old.length, bytes.length);
        rewrite(name, longer);
    }

    private byte[] read(String name) throws IOException {
        return blobs.get(name)
                .orElseThrow(() -> new NoSuchFileException(blobs.describe(name)))
                .bytes();
    }

    private void rewrite(String name, byte[] bytes) throws IOException {
        BlobType type = blobs.head(name)
                .orElseThrow(() -> new NoSuchFileException(blobs.describe(name)))
                .getBlobType();
        if (type != BlobType.APPEND_BLOB) {
            blobs.put(name, bytes);
            return;
        }
        var append = blobs.blob(name).getAppendBlobClient();
        blobs.call(
                "recreate", name, () -> append.createWithResponse(null, null, null, blobs.callTimeout(), Context.NONE));
        for (int off = 0; off < bytes.length; off += 4 << 20) {
            int len = Math.min(4 << 20, bytes.length - off);
            int from = off;
            blobs.call(
                    "append to",
                    name,
                    () -> append.appendBlockWithResponse(
                            new ByteArrayInputStream(bytes, from, len),
                            len,
                            null,
                            null,
                            blobs.callTimeout(),
                            Context.NONE));
        }
    }
}

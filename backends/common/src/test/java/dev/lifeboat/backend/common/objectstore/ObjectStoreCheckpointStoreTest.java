package dev.lifeboat.backend.common.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.objectstore.CheckpointKeys.PartNames;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;

/**
 * The shared object-store checkpoint store over an in-memory object map: the storage calls are
 * trivial, the protocol around them (attempt folders, listing, GC, verified reads, close) is the
 * shared code under test.
 */
class ObjectStoreCheckpointStoreTest {
    private static final CheckpointId ID = CheckpointId.of("offsets/7");

    private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final List<String> calls = new ArrayList<>();
    private final InMemoryStore store = new InMemoryStore();

    /** A backend whose objects live in a map; commit is a put-if-absent of the manifest. */
    private final class InMemoryStore extends ObjectStoreCheckpointStore {
        InMemoryStore() {
            super(
                    new CheckpointKeys("root/", PartNames.URL_ENCODED),
                    () -> calls.add("close connection"),
                    "mem://root/",
                    "thing",
                    Set.of(Capability.CHECKPOINT_DURABLE));
        }

        @Override
        protected List<String> listNames(String prefix) {
            return List.copyOf(
                    objects.subMap(prefix, prefix + Character.MAX_VALUE).keySet());
        }

        @Override
        protected List<String> listFolders(String prefix) {
            TreeSet<String> folders = new TreeSet<>();
            for (String k : listNames(prefix)) {
                int slash = k.indexOf('/', prefix.length());
                if (slash >= 0) {
                    folders.add(k.substring(0, slash + 1));
                }
            }
            return List.copyOf(folders);
        }

        @Override
        protected void deleteFolder(String folder) {
            objects.keySet().removeIf(k -> k.startsWith(folder));
        }

        @Override
        protected void deleteObject(String key) {
            calls.add("delete " + key);
            objects.remove(key);
        }

        @Override
        protected Optional<InputStream> openObject(String key) {
            return Optional.ofNullable(objects.get(key)).map(ByteArrayInputStream::new);
        }

        @Override
        protected String describe(String key) {
            return "mem://" + key;
        }

        @Override
        protected Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException {
            String key = keys().manifestKey(id);
            byte[] bytes = objects.get(key);
            return bytes == null ? Optional.empty() : Optional.of(ManifestCodec.decode(id, bytes, describe(key)));
        }

        @Override
        protected NavigableSet<CheckpointId> checkListing(String prefix, NavigableSet<CheckpointId> listed) {
            calls.add("check listing " + prefix);
            return listed;
        }

        @Override
        protected void collectMore(long cutoffMillis) {
            calls.add("collect more");
        }

        @Override
        protected Writer newWriter(CheckpointId id, long epoch, String attemptId) {
            return new Writer(id, epoch, attemptId) {
                @Override
                protected PartOutput openPartOutput(String name, int index) {
                    String key = partKey(name);
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            objects.put(key, toByteArray());
                        }
                    };
                    return upload(bytes, () -> calls.add("abandon " + name));
                }

                @Override
                protected CheckpointInfo publish(CheckpointInfo info) throws IOException {
                    if (objects.putIfAbsent(keys().manifestKey(id()), ManifestCodec.encode(info)) != null) {
                        throw new AlreadyCommittedException(id());
                    }
                    return info;
                }
            };
        }

        @Override
        public boolean delete(CheckpointId id) {
            return objects.remove(keys().manifestKey(id)) != null;
        }
    }

    private CheckpointInfo write(CheckpointId id, String... parts) throws IOException {
        try (CheckpointWriter w = store.begin(id, 0)) {
            for (String p : parts) {
                try (OutputStream out = w.openPart(p)) {
                    out.write(p.getBytes(StandardCharsets.UTF_8));
                }
            }
            return w.commit();
        }
    }

    @Test
    void partsAreObjectsInTheAttemptFolderAndReadBackVerified() throws IOException {
        CheckpointInfo info = write(ID, "part 0", "part-1");
        assertThat(objects.keySet())
                .contains(
                        "root/checkpoints/manifests/offsets/7.manifest",
                        "root/checkpoints/attempts/" + info.attemptId() + "/offsets%2F7/part+0");
        Checkpoint c = store.open(ID).orElseThrow();
        try (InputStream in = c.openPart("part 0")) {
            assertThat(in.readAllBytes()).isEqualTo("part 0".getBytes(StandardCharsets.UTF_8));
        }
        objects.put(
                "root/checkpoints/attempts/" + info.attemptId() + "/offsets%2F7/part-1",
                "part-X".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> {
                    try (InputStream in = c.openPart("part-1")) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("mem://root/checkpoints/attempts/");
        objects.remove("root/checkpoints/attempts/" + info.attemptId() + "/offsets%2F7/part+0");
        assertThatThrownBy(() -> c.openPart("part 0"))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("the part's thing is gone");
    }

    @Test
    void anAbortedAttemptDeletesWhatItWrote() throws IOException {
        CheckpointWriter w = store.begin(ID, 0);
        try (OutputStream out = w.openPart("a")) {
            out.write(1);
        }
        w.openPart("b").write(2);
        w.close();
        assertThat(calls).containsExactly("abandon b", "delete " + store.keys().partKey(w.attemptId(), ID, "a"));
        assertThat(objects).isEmpty();
        assertThat(store.open(ID)).isEmpty();
    }

    @Test
    void listingGoesThroughTheBackendsCheck() throws IOException {
        write(CheckpointId.of("offsets/10"));
        write(CheckpointId.of("offsets/9"));
        write(CheckpointId.of("commits/1"));
        assertThat(store.list("offsets")).containsExactly(CheckpointId.of("offsets/9"), CheckpointId.of("offsets/10"));
        assertThat(calls).containsExactly("check listing offsets");
    }

    @Test
    void garbageCollectionRemovesAbandonedAttemptsOnlyAndCollectsMore() throws IOException {
        CheckpointInfo kept = write(ID, "a");
        CheckpointWriter abandoned = store.begin(ID, 0);
        try (OutputStream out = abandoned.openPart("a")) {
            out.write(1);
        }
        // A crashed writer: its parts stay until garbage collection.
        assertThat(store.collectGarbage(Duration.ofHours(1))).as("too young").isZero();
        assertThat(store.collectGarbage(Duration.ZERO)).isEqualTo(1);
        assertThat(objects.keySet())
                .anyMatch(k -> k.contains(kept.attemptId()))
                .noneMatch(k -> k.contains(abandoned.attemptId()));
        assertThat(calls).containsExactly("collect more", "collect more");
        assertThatThrownBy(() -> store.collectGarbage(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeAbortsOpenWritersThenClosesTheConnectionAndRefusesUse() throws IOException {
        CheckpointWriter w = store.begin(ID, 0);
        try (OutputStream out = w.openPart("a")) {
            out.write(1);
        }
        store.close();
        store.close();
        assertThat(calls).containsExactly("delete " + store.keys().partKey(w.attemptId(), ID, "a"), "close connection");
        assertThatThrownBy(() -> store.list(""))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the checkpoint store mem://root/ is closed");
        assertThatThrownBy(() -> store.begin(ID, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
        assertThat(store.capabilities()).containsExactly(Capability.CHECKPOINT_DURABLE);
    }
}

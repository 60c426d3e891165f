package dev.lifeboat.backend.common.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.backend.common.objectstore.CheckpointKeys.PartNames;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shared listing and garbage collection, over an in-memory {@link CheckpointObjects} (the
 * object-store calls; the logic under test is the shared code's).
 */
class ObjectStoreCheckpointsTest {
    private static final long NOW = System.currentTimeMillis();
    private static final String OLD = attempt(NOW - 3_600_000, "00000000000000a1");
    private static final String OLD2 = attempt(NOW - 3_600_000, "00000000000000a2");
    private static final String OLD3 = attempt(NOW - 3_600_000, "00000000000000a3");
    private static final String YOUNG = attempt(NOW + 60_000, "00000000000000b1");

    private final CheckpointKeys keys = new CheckpointKeys("root/", PartNames.AS_IS);
    private final InMemory objects = new InMemory();
    private final ObjectStoreCheckpoints checkpoints = new ObjectStoreCheckpoints(keys, objects);

    private static String attempt(long millis, String random) {
        return String.format("%013d", millis) + "-" + random;
    }

    /** Objects by key, and manifests decoded as a store reads them. */
    private final class InMemory implements CheckpointObjects {
        final TreeMap<String, byte[]> objects = new TreeMap<>();
        final List<String> deleted = new ArrayList<>();

        void put(String key, byte[] bytes) {
            objects.put(key, bytes);
        }

        @Override
        public List<String> listNames(String prefix) {
            return objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        }

        @Override
        public List<String> listFolders(String prefix) {
            TreeSet<String> folders = new TreeSet<>();
            for (String k : objects.keySet()) {
                int slash = k.indexOf('/', prefix.length());
                if (k.startsWith(prefix) && slash >= 0) {
                    folders.add(k.substring(0, slash + 1));
                }
            }
            return List.copyOf(folders);
        }

        @Override
        public void deleteFolder(String folder) {
            deleted.add(folder);
            objects.keySet().removeIf(k -> k.startsWith(folder));
        }

        @Override
        public Optional<CheckpointInfo> readManifest(CheckpointId id) throws IOException {
            byte[] bytes = objects.get(keys.manifestKey(id));
            return bytes == null ? Optional.empty() : Optional.of(ManifestCodec.decode(id, bytes, "mem:" + id));
        }
    }

    private void writeParts(String attemptId, CheckpointId id) {
        objects.put(keys.partKey(attemptId, id, "part-0"), new byte[] {1, 2, 3});
        objects.put(keys.partKey(attemptId, id, "part-1"), new byte[] {4});
    }

    private void commit(String attemptId, CheckpointId id) {
        objects.put(
                keys.manifestKey(id),
                ManifestCodec.encode(new CheckpointInfo(id, 0, attemptId, NOW, List.of(new PartInfo("part-0", 3, 0)))));
    }

    private List<String> attemptFolders() {
        return objects.listFolders(keys.attemptsPrefix());
    }

    @Test
    void anOldAttemptThatNoManifestNamesIsRemoved() throws IOException {
        CheckpointId id = CheckpointId.of("offsets/7");
        writeParts(OLD, id);
        assertThat(checkpoints.collectGarbage(NOW)).isEqualTo(1);
        assertThat(objects.deleted).containsExactly(keys.attemptFolder(OLD));
        assertThat(attemptFolders()).isEmpty();
    }

    @Test
    void theCommittedAttemptStaysAndALosingAttemptOfTheSameIdGoes() throws IOException {
        CheckpointId id = CheckpointId.of("state/op 0/v-42");
        writeParts(OLD, id);
        writeParts(OLD2, id);
        commit(OLD, id);
        assertThat(checkpoints.collectGarbage(NOW)).isEqualTo(1);
        assertThat(attemptFolders()).containsExactly(keys.attemptFolder(OLD));
        assertThat(objects.objects).containsKey(keys.partKey(OLD, id, "part-1"));
    }

    @Test
    void anAttemptYoungerThanTheCutoffStays() throws IOException {
        writeParts(YOUNG, CheckpointId.of("a"));
        assertThat(checkpoints.collectGarbage(NOW)).isZero();
        assertThat(attemptFolders()).containsExactly(keys.attemptFolder(YOUNG));
    }

    @Test
    void aCorruptManifestKeepsTheBytes() throws IOException {
        CheckpointId id = CheckpointId.of("a");
        writeParts(OLD, id);
        objects.put(keys.manifestKey(id), "lifeboat-checkpoint v1\ngarbage\n".getBytes(StandardCharsets.UTF_8));
        assertThat(checkpoints.collectGarbage(NOW)).isZero();
        assertThat(attemptFolders()).containsExactly(keys.attemptFolder(OLD));
    }

    @Test
    void aManifestStoredUnderAnotherIdIsCorruptSoTheBytesStay() throws IOException {
        CheckpointId id = CheckpointId.of("a");
        writeParts(OLD, id);
        objects.put(
                keys.manifestKey(id),
                ManifestCodec.encode(new CheckpointInfo(CheckpointId.of("b"), 0, OLD, NOW, List.of())));
        assertThatThrownBy(() -> objects.readManifest(id))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("manifest names checkpoint 'b' but is stored as 'a'");
        assertThat(checkpoints.collectGarbage(NOW)).isZero();
    }

    @Test
    void foldersThatAreNotAttemptsAndUndecodableIdsAreLeftAlone() throws IOException {
        objects.put(keys.attemptsPrefix() + "not-an-attempt/x/y", new byte[1]);
        objects.put(keys.attemptFolder(OLD3) + "a%2F..%2Fb/part", new byte[1]);
        assertThat(checkpoints.collectGarbage(NOW))
                .as("the attempt with an undecodable id is named by no manifest")
                .isEqualTo(1);
        assertThat(attemptFolders()).containsExactly(keys.attemptsPrefix() + "not-an-attempt/");
    }

    @Test
    void theCutoffIsMinAgeBeforeNowAndANegativeAgeIsRefused() {
        long before = System.currentTimeMillis();
        long cutoff = ObjectStoreCheckpoints.cutoffMillis(Duration.ofMinutes(5));
        assertThat(cutoff).isBetween(before - 300_000, System.currentTimeMillis() - 300_000);
        assertThatThrownBy(() -> ObjectStoreCheckpoints.cutoffMillis(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-0.001S");
        assertThat(ObjectStoreCheckpoints.isOldAttempt(OLD, NOW)).isTrue();
        assertThat(ObjectStoreCheckpoints.isOldAttempt(YOUNG, NOW)).isFalse();
        assertThat(ObjectStoreCheckpoints.isOldAttempt("not-an-attempt", NOW)).isFalse();
    }

    @Test
    void listingReturnsTheCommittedIdsBelowThePrefixInOrder() throws IOException {
        for (String id : List.of("offsets/10", "offsets/9", "offsets-old/1", "commits/1")) {
            commit(OLD, CheckpointId.of(id));
        }
        objects.put(keys.manifestsPrefix() + "offsets/stray.txt", new byte[1]);
        assertThat(checkpoints.listCommitted("offsets"))
                .containsExactly(CheckpointId.of("offsets/9"), CheckpointId.of("offsets/10"));
        assertThat(checkpoints.listCommitted("")).hasSize(4);
        assertThat(checkpoints.listCommitted("nothing")).isEmpty();
    }
}

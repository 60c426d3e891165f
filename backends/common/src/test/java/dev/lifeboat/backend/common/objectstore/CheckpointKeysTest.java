package dev.lifeboat.backend.common.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.common.objectstore.CheckpointKeys.PartNames;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import org.junit.jupiter.api.Test;

/** The key scheme is an on-storage format: these are the exact keys existing stores hold. */
class CheckpointKeysTest {
    private static final String ATTEMPT = "0000000000001-0123456789abcdef";
    private final CheckpointKeys s3 = new CheckpointKeys("jobs/a/", PartNames.AS_IS);
    private final CheckpointKeys azure = new CheckpointKeys("", PartNames.URL_ENCODED);

    @Test
    void keysAreTheOnesExistingStoresHold() {
        CheckpointId id = CheckpointId.of("state/op 0/v-42");
        assertThat(s3.manifestKey(id)).isEqualTo("jobs/a/checkpoints/manifests/state/op 0/v-42.manifest");
        assertThat(s3.attemptFolder(ATTEMPT)).isEqualTo("jobs/a/checkpoints/attempts/" + ATTEMPT + "/");
        assertThat(s3.partKey(ATTEMPT, id, "part 0"))
                .isEqualTo("jobs/a/checkpoints/attempts/" + ATTEMPT + "/state%2Fop+0%2Fv-42/part 0");
        assertThat(s3.epochKey()).isEqualTo("jobs/a/checkpoints/epoch");
        assertThat(azure.manifestKey(id)).isEqualTo("checkpoints/manifests/state/op 0/v-42.manifest");
        assertThat(azure.partKey(ATTEMPT, id, "part 0"))
                .as("Azure stores part names URL-encoded")
                .isEqualTo("checkpoints/attempts/" + ATTEMPT + "/state%2Fop+0%2Fv-42/part+0");
        assertThat(azure.epochKey()).isEqualTo("checkpoints/epoch");
    }

    @Test
    void manifestKeysAndPartKeysReadBack() {
        CheckpointId id = CheckpointId.of("offsets/7 é+x");
        for (CheckpointKeys keys : new CheckpointKeys[] {s3, azure}) {
            assertThat(keys.idOfManifest(keys.manifestKey(id))).contains(id);
            assertThat(keys.partOf(keys.partKey(ATTEMPT, id, "p 1+2"))).contains(id + "/p 1+2");
            assertThat(keys.attemptOf(keys.partKey(ATTEMPT, id, "p"))).contains(ATTEMPT);
            assertThat(keys.attemptOf(keys.attemptsPrefix() + ATTEMPT)).contains(ATTEMPT);
            assertThat(keys.idOfManifest(keys.epochKey())).isEmpty();
            assertThat(keys.partOf(keys.manifestKey(id))).isEmpty();
            assertThat(keys.attemptOf(keys.manifestKey(id))).isEmpty();
            assertThat(keys.partOf(keys.attemptFolder(ATTEMPT) + "only-one-segment"))
                    .isEmpty();
        }
        assertThat(s3.idOfManifest("jobs/a/checkpoints/manifests/a/../b.manifest"))
                .as("an invalid id is not a manifest")
                .isEmpty();
        assertThat(s3.idOfManifest("checkpoints/manifests/x.manifest"))
                .as("outside the root")
                .isEmpty();
    }

    @Test
    void partNamesWithSlashesStayInOneKeyOnlyWhenEncoded() {
        CheckpointId id = CheckpointId.of("c");
        assertThat(s3.partOf(s3.attemptFolder(ATTEMPT, id) + "a/b")).contains("c/a/b");
        assertThat(azure.partOf(azure.attemptFolder(ATTEMPT, id) + "a/b"))
                .as("an encoded name has no '/'")
                .isEmpty();
    }

    @Test
    void idsEncodeIntoOneSegmentAndBack() {
        CheckpointId id = CheckpointId.of("state/op 0/v+1/ü");
        String segment = CheckpointKeys.encodeId(id);
        assertThat(segment).doesNotContain("/");
        assertThat(CheckpointKeys.decodeId(segment)).contains(id);
        assertThat(CheckpointKeys.decodeId("a%2F..%2Fb")).as("not a valid id").isEmpty();
        assertThat(CheckpointKeys.decodeId("%zz")).as("not an encoding").isEmpty();
    }

    @Test
    void theRootIsEmptyOrAFolder() {
        assertThatThrownBy(() -> new CheckpointKeys("jobs", PartNames.AS_IS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'jobs'");
    }
}

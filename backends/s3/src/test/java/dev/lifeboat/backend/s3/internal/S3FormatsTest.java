package dev.lifeboat.backend.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.backend.common.objectstore.CheckpointKeys;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The small text formats the S3 backend owns: WAL head and claim, lease, epoch; and key names. */
class S3FormatsTest {
    @Test
    void walHeadRoundTripsAndRejectsDamage() throws Exception {
        WalHead head = WalHead.opened(7, "00ff00ff00ff00ff", 1234, 2000);
        assertThat(WalHead.decode(head.encode(), "head")).isEqualTo(head);
        assertThat(WalHead.decode(head.released(2500).encode(), "head").open()).isFalse();
        assertThat(WalHead.decode(head.released(2500).encode(), "head").endLsn())
                .isEqualTo(2500);
        assertThat(head.renewed(1000).endLsn())
                .as("the recorded end never goes back by renewal")
                .isEqualTo(2000);
        assertThat(head.cutTo(1990).endLsn()).isEqualTo(1990);
        assertThat(head.renewed(2000).encode())
                .as("a renewal changes the bytes, so the ETag")
                .isNotEqualTo(head.encode());
        assertThat(new String(head.encode(), StandardCharsets.UTF_8))
                .startsWith("lifeboat-s3-wal v2\n")
                .contains("\nlow-lsn 1234\n")
                .containsPattern("\ncrc [0-9a-f]{8}\n$");
        byte[] damaged = head.encode();
        damaged[25] = 'x';
        assertThatThrownBy(() -> WalHead.decode(damaged, "s3://b/wal/head"))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("s3://b/wal/head");
    }

    @Test
    void everySingleBitFlipInTheWalHeadIsRefused() {
        byte[] good =
                WalHead.opened(3, "0123456789abcdef", 152, 900).renewed(950).encode();
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                int b = bit;
                assertThatThrownBy(() -> WalHead.decode(bad, "s3://b/wal/head"))
                        .as("bit %d of byte %d flipped", b, at)
                        .isInstanceOf(CorruptDataException.class);
            }
        }
    }

    @Test
    void walHeadOfTheEarlierFormatIsReadAsUnchecked() throws Exception {
        byte[] v1 = "lifeboat-s3-wal v1\nepoch 4\nwriter 0011223344556677\nlow-lsn 3\nheartbeat 9\nstate closed\n"
                .getBytes(StandardCharsets.UTF_8);
        WalHead head = WalHead.decode(v1, "head");
        assertThat(head).isEqualTo(new WalHead(4, "0011223344556677", 3, 0, 9, false, false));
        assertThat(head.checked()).isFalse();
        assertThat(WalHead.decode(head.renewed(5).encode(), "head").checked())
                .as("rewritten checked")
                .isTrue();
        assertThatThrownBy(() -> WalHead.decode(
                        "lifeboat-s3-wal v3\nepoch 1\n".getBytes(StandardCharsets.UTF_8), "s3://b/wal/head"))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("'3'");
    }

    @Test
    void claimMarkersAreTellableFromSegments() {
        WalLayout.Claim claim = new WalLayout.Claim(3, "abcdef0123456789");
        assertThat(WalLayout.Claim.decode(claim.encode())).contains(claim);
        byte[] frameStart = {0x4C, 0x57, 1, 0, 0, 0, 0, 0};
        assertThat(WalLayout.Claim.decode(frameStart))
                .as("a segment starts with the frame magic")
                .isEmpty();
        assertThat(WalLayout.Claim.decode("lifeboat-wal-claim v1 garbled".getBytes(StandardCharsets.UTF_8)))
                .as("a damaged marker may be replaced by any writer")
                .hasValueSatisfying(c -> assertThat(c.epoch()).isZero());
    }

    @Test
    void segmentNamesSortByLsnAndParseBack() {
        assertThat(WalLayout.segmentName(42)).isEqualTo("wal/segments/00000000000000000042");
        assertThat(WalLayout.segmentName(9).compareTo(WalLayout.segmentName(10)))
                .isNegative();
        assertThat(WalLayout.parseSegmentName(WalLayout.segmentName(Long.MAX_VALUE)))
                .contains(Long.MAX_VALUE);
        assertThat(WalLayout.parseSegmentName("wal/segments/42")).isEmpty();
        assertThat(WalLayout.parseSegmentName("wal/head")).isEmpty();
    }

    @Test
    void leaseRoundTripsAndRejectsDamage() throws Exception {
        LeaseRecord lease = new LeaseRecord(12, "driver-a", "0011223344556677", 5);
        assertThat(LeaseRecord.decode(lease.encode(), "lease")).isEqualTo(lease);
        LeaseRecord released = new LeaseRecord(12, "", "", 6);
        assertThat(LeaseRecord.decode(released.encode(), "lease").released()).isTrue();
        assertThatThrownBy(() -> LeaseRecord.decode(
                        "lifeboat-lease v1\nepoch x\n".getBytes(StandardCharsets.UTF_8), "s3://b/election/lease"))
                .isInstanceOf(CorruptDataException.class);
    }

    @Test
    void fenceRecordRoundTripsAndReadsTheOldEpochRecord() throws Exception {
        FenceRecord fence = new FenceRecord(
                99,
                java.util.List.of(new FenceRecord.Pending(
                        99,
                        "0000000000001-0123456789abcdef",
                        dev.lifeboat.spi.checkpoint.CheckpointId.of("offsets/7 é+x"))));
        assertThat(FenceRecord.decode(fence.encode(), "fence")).isEqualTo(fence);
        assertThat(FenceRecord.decode("lifeboat-checkpoint-epoch v1\n12\n".getBytes(StandardCharsets.UTF_8), "fence"))
                .isEqualTo(new FenceRecord(12, java.util.List.of()));
        assertThatThrownBy(() -> FenceRecord.decode("nonsense".getBytes(StandardCharsets.UTF_8), "fence"))
                .isInstanceOf(CorruptDataException.class);
    }

    @Test
    void checkpointIdsEncodeIntoOneSegmentAndBack() {
        CheckpointId id = CheckpointId.of("state/op 0/v+1/ü");
        String segment = CheckpointKeys.encodeId(id);
        assertThat(segment).doesNotContain("/");
        assertThat(CheckpointKeys.decodeId(segment)).contains(id);
    }
}

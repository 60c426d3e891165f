package dev.lifeboat.backend.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The small text formats the S3 backend owns: WAL head and claim, lease, epoch; and key names. */
class S3FormatsTest {
    @Test
    void walHeadRoundTripsAndRejectsDamage() throws Exception {
        WalLayout.Head head = new WalLayout.Head(7, "00ff00ff00ff00ff", 1234, 9, true);
        assertThat(WalLayout.Head.decode(head.encode(), "head")).isEqualTo(head);
        assertThat(WalLayout.Head.decode(head.released().encode(), "head").open()).isFalse();
        assertThat(head.renewed().encode()).as("a renewal changes the bytes, so the ETag").isNotEqualTo(head.encode());
        byte[] damaged = head.encode();
        damaged[25] = 'x';
        assertThatThrownBy(() -> WalLayout.Head.decode(damaged, "s3://b/wal/head"))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("s3://b/wal/head");
    }

    @Test
    void claimMarkersAreTellableFromSegments() {
        WalLayout.Claim claim = new WalLayout.Claim(3, "abcdef0123456789");
        assertThat(WalLayout.Claim.decode(claim.encode())).contains(claim);
        byte[] frameStart = {0x4C, 0x57, 1, 0, 0, 0, 0, 0};
        assertThat(WalLayout.Claim.decode(frameStart)).as("a segment starts with the frame magic").isEmpty();
        assertThat(WalLayout.Claim.decode("lifeboat-wal-claim v1 garbled".getBytes(StandardCharsets.UTF_8)))
                .as("a damaged marker may be replaced by any writer").hasValueSatisfying(c -> assertThat(c.epoch()).isZero());
    }

    @Test
    void segmentNamesSortByLsnAndParseBack() {
        assertThat(WalLayout.segmentName(42)).isEqualTo("wal/segments/00000000000000000042");
        assertThat(WalLayout.segmentName(9).compareTo(WalLayout.segmentName(10))).isNegative();
        assertThat(WalLayout.parseSegmentName(WalLayout.segmentName(Long.MAX_VALUE))).contains(Long.MAX_VALUE);
        assertThat(WalLayout.parseSegmentName("wal/segments/42")).isEmpty();
        assertThat(WalLayout.parseSegmentName("wal/head")).isEmpty();
    }

    @Test
    void leaseRoundTripsAndRejectsDamage() throws Exception {
        LeaseRecord lease = new LeaseRecord(12, "driver-a", "0011223344556677", 5);
        assertThat(LeaseRecord.decode(lease.encode(), "lease")).isEqualTo(lease);
        LeaseRecord released = new LeaseRecord(12, "", "", 6);
        assertThat(LeaseRecord.decode(released.encode(), "lease").released()).isTrue();
        assertThatThrownBy(() -> LeaseRecord.decode("lifeboat-lease v1\nepoch x\n".getBytes(StandardCharsets.UTF_8),
                "s3://b/election/lease")).isInstanceOf(CorruptDataException.class);
    }

    @Test
    void fenceRecordRoundTripsAndReadsTheOldEpochRecord() throws Exception {
        FenceRecord fence = new FenceRecord(99, java.util.List.of(
                new FenceRecord.Pending(99, "0000000000001-0123456789abcdef",
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
        String segment = CheckpointLayout.encode(id.value());
        assertThat(segment).doesNotContain("/");
        assertThat(CheckpointLayout.decode(segment)).contains(id);
    }
}

package dev.lifeboat.compat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PayloadsTest {
    @Test
    void bytesAreDeterministicAndDifferByIndex() {
        assertThat(Payloads.bytes(1, 2, 100)).isEqualTo(Payloads.bytes(1, 2, 100));
        assertThat(Payloads.bytes(1, 2, 100)).isNotEqualTo(Payloads.bytes(1, 3, 100));
        assertThat(Payloads.bytes(1, 2, 100)).isNotEqualTo(Payloads.bytes(2, 2, 100));
        assertThat(Payloads.bytes(1, 2, 0)).isEmpty();
    }

    @Test
    void lengthsStayInRange() {
        for (int i = 0; i < 1000; i++) {
            assertThat(Payloads.length(7, i, 10)).isBetween(0, 10);
        }
        assertThat(Payloads.length(7, 3, 0)).isZero();
    }

    @Test
    void walRecordsCarryTheirThreadAndSequence() {
        byte[] record = Payloads.walRecord(9, 3, 12345, 2048);
        ByteBuffer b = ByteBuffer.wrap(record);
        assertThat(Payloads.walRecordThread(b)).isEqualTo(3);
        assertThat(Payloads.walRecordSeq(b)).isEqualTo(12345);
        assertThat(record).isEqualTo(Payloads.walRecord(9, 3, 12345, 2048));
        assertThat(record.length).isBetween(12, 12 + 2048);
    }

    @Test
    void crcOfABufferDoesNotMoveIt() {
        byte[] bytes = Payloads.bytes(1, 1, 50);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        assertThat(Payloads.crc32c(b)).isEqualTo(Payloads.crc32c(bytes));
        assertThat(b.position()).isZero();
    }
}

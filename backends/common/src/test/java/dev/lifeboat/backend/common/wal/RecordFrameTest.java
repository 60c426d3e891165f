package dev.lifeboat.backend.common.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RecordFrameTest {
    private static final ByteBuffer PAYLOAD = ByteBuffer.wrap("hello, log".getBytes(StandardCharsets.UTF_8));

    @Test
    void encodedFrameDecodesToItsHeaderAndLeavesTheInputsAlone() {
        ByteBuffer payload = PAYLOAD.duplicate();
        ByteBuffer frame = RecordFrame.encode(42, 1_700_000_000_123L, payload, RecordFrame.payloadCrc(payload));
        assertThat(payload.position()).isZero();
        assertThat(frame.position()).isZero();
        assertThat(frame.remaining()).isEqualTo(RecordFrame.HEADER_BYTES + PAYLOAD.remaining());
        RecordFrame.Header h = RecordFrame.decodeHeader(frame);
        assertThat(h)
                .isEqualTo(new RecordFrame.Header(
                        PAYLOAD.remaining(), 42, 1_700_000_000_123L, RecordFrame.payloadCrc(PAYLOAD)));
        assertThat(h.frameBytes()).isEqualTo(frame.remaining());
        assertThat(frame.position()).as("decodeHeader does not move the buffer").isZero();
        assertThat(frame.duplicate().position(RecordFrame.HEADER_BYTES)).isEqualTo(PAYLOAD);
    }

    @Test
    void headerAtANonZeroPositionDecodes() {
        ByteBuffer frame = RecordFrame.encode(7, 0, PAYLOAD, RecordFrame.payloadCrc(PAYLOAD));
        ByteBuffer shifted = ByteBuffer.allocate(5 + frame.remaining()).position(5);
        shifted.put(frame.duplicate()).position(5);
        assertThat(RecordFrame.decodeHeader(shifted).lsn()).isEqualTo(7);
    }

    @Test
    void everySingleBitFlipInTheHeaderIsDetected() {
        ByteBuffer frame = RecordFrame.encode(1234, 99, PAYLOAD, RecordFrame.payloadCrc(PAYLOAD));
        for (int i = 0; i < 28; i++) { // bytes 28..31 hold the payload CRC, checked by the reader of the payload
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer damaged = ByteBuffer.allocate(frame.remaining())
                        .put(frame.duplicate())
                        .flip();
                damaged.put(i, (byte) (damaged.get(i) ^ (1 << bit)));
                assertThat(RecordFrame.decodeHeader(damaged))
                        .as("byte %d bit %d flipped", i, bit)
                        .isNull();
            }
        }
    }

    @Test
    void decodingInPlaceAgreesWithDecodingACopyForEveryBitFlip() {
        ByteBuffer frame = RecordFrame.encode(1234, 99, PAYLOAD, RecordFrame.payloadCrc(PAYLOAD));
        CRC32C scratch = new CRC32C();
        int at = 5; // a frame that does not start at index 0 of its buffer
        for (int i = -1; i < RecordFrame.HEADER_BYTES; i++) {
            for (int bit = 0; bit < (i < 0 ? 1 : 8); bit++) {
                ByteBuffer held = ByteBuffer.allocate(at + frame.remaining());
                held.position(at).put(frame.duplicate());
                if (i >= 0) {
                    held.put(at + i, (byte) (held.get(at + i) ^ (1 << bit)));
                }
                RecordFrame.Header copied =
                        RecordFrame.decodeHeader(held.duplicate().position(at));
                assertThat(RecordFrame.decodeHeaderAt(held, at, scratch))
                        .as("byte %d bit %d flipped", i, bit)
                        .isEqualTo(copied);
                assertThat(held.position()).isEqualTo(at + frame.remaining());
            }
        }
        assertThat(RecordFrame.decodeHeaderAt(frame, 0, scratch)).isNotNull();
        assertThat(RecordFrame.decodeHeaderAt(frame.duplicate().limit(RecordFrame.HEADER_BYTES - 1), 0, scratch))
                .as("fewer than 32 bytes")
                .isNull();
    }

    @Test
    void shortOrZeroedInputIsNotAHeader() {
        assertThat(RecordFrame.decodeHeader(ByteBuffer.allocate(RecordFrame.HEADER_BYTES - 1)))
                .isNull();
        assertThat(RecordFrame.decodeHeader(ByteBuffer.allocate(RecordFrame.HEADER_BYTES)))
                .isNull();
    }

    @Test
    void emptyPayloadFrames() {
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer frame = RecordFrame.encode(0, 0, empty, RecordFrame.payloadCrc(empty));
        assertThat(frame.remaining()).isEqualTo(RecordFrame.HEADER_BYTES);
        assertThat(RecordFrame.decodeHeader(frame).length()).isZero();
    }
}

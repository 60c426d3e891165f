package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.internal.io.RecordCodec;
import dev.lifeboat.runtime.serializer.LifeboatSerializer;
import dev.lifeboat.runtime.serializer.SerializationException;
import dev.lifeboat.runtime.serializer.Serializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerializerTest {
    record Point(int x, long y, String label, List<Double> weights) {}

    record Wrapper(Point point, Pair<String, byte[]> payload) {}

    private final LifeboatSerializer serializer = new LifeboatSerializer();

    @TempDir
    Path dir;

    /** A serializer chosen by class name: the default format, counting what it writes. */
    public static final class CountingSerializer implements Serializer {
        static final AtomicLong WRITES = new AtomicLong();
        private final LifeboatSerializer inner = new LifeboatSerializer();

        @Override
        public String name() {
            return "counting-v1";
        }

        @Override
        public void write(DataOutput out, Object record) throws IOException {
            WRITES.incrementAndGet();
            inner.write(out, record);
        }

        @Override
        public Object read(DataInput in) throws IOException {
            return inner.read(in);
        }
    }

    @Test
    void theConfiguredSerializerWritesShufflesAndCheckpointsAndIsRecordedInThem() throws Exception {
        CountingSerializer.WRITES.set(0);
        EngineConfig.Builder counting =
                TestEngines.config(dir).set(EngineConfig.SERIALIZER, CountingSerializer.class.getName());
        try (Engine engine = TestEngines.start(counting, new EventLog())) {
            assertThat(Jobs.countByRemainder(engine).checkpoint("by-remainder").collectAsMap())
                    .isEqualTo(Jobs.expectedCountByRemainder());
            assertThat(CountingSerializer.WRITES.get()).isPositive();
        }
        try (Engine engine = TestEngines.start(TestEngines.config(dir), new EventLog())) {
            assertThatThrownBy(() -> Jobs.countByRemainder(engine).checkpoint("by-remainder"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("written with serializer 'counting-v1' but this engine uses 'lifeboat-v1'");
        }
    }

    @Test
    void everySupportedTypeRoundTrips() throws IOException {
        List<Object> values = Arrays.asList(
                null,
                "",
                "héllo ☃",
                42,
                -7L,
                3.5d,
                2.25f,
                (short) 9,
                (byte) -1,
                true,
                'x',
                Pair.of("k", 1),
                Pair.of(null, Pair.of(1L, "nested")),
                List.of(1, "two", 3.0),
                List.of(),
                new Point(1, 2L, "p", List.of(0.5, 1.5)));

        for (Object value : values) {
            assertThat(roundTrip(value)).as("%s", value).isEqualTo(value);
        }
        byte[] bytes = {1, 2, 3, -128};
        assertThat((byte[]) roundTrip(bytes)).containsExactly(bytes);
        Wrapper w = (Wrapper) roundTrip(new Wrapper(new Point(0, 0, "o", List.of()), Pair.of("b", bytes)));
        assertThat(w.point()).isEqualTo(new Point(0, 0, "o", List.of()));
        assertThat(w.payload().value()).containsExactly(bytes);
    }

    @Test
    void anUnsupportedTypeIsAClearError() {
        assertThatThrownBy(() -> roundTrip(Pair.of("k", Map.of("a", 1))))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot serialise a value of type java.util.ImmutableCollections$Map1")
                .hasMessageContaining("supports null, String, Integer")
                .hasMessageContaining("lifeboat.serializer");
        assertThatThrownBy(() -> roundTrip(new Object())).hasMessageContaining("java.lang.Object");
    }

    @Test
    void bytesThatAreNotARecordAreAClearError() {
        assertThatThrownBy(() -> serializer.read(new DataInputStream(new ByteArrayInputStream(new byte[] {99}))))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown type tag 99");
    }

    @Test
    void blocksRoundTripCompressedOrNotAndCompressionShrinksThem() throws IOException {
        List<Object> records = new ArrayList<>();
        IntStream.range(0, 2000).forEach(i -> records.add(Pair.of("word-" + (i % 20), i)));
        RecordCodec raw = new RecordCodec(serializer, false, 1);
        RecordCodec zstd = new RecordCodec(serializer, true, 1);

        byte[] plain = raw.encode(records.iterator());
        byte[] packed = zstd.encode(records.iterator());

        assertThat(raw.decode(plain, "block")).isEqualTo(records);
        assertThat(zstd.decode(packed, "block")).isEqualTo(records);
        assertThat(raw.decode(packed, "block"))
                .as("blocks describe their own codec")
                .isEqualTo(records);
        assertThat(packed.length).isLessThan(plain.length / 4);
        assertThat(zstd.decode(zstd.encode(List.of().iterator()), "empty")).isEmpty();
    }

    @Test
    void aDamagedBlockIsAClearError() throws IOException {
        RecordCodec zstd = new RecordCodec(serializer, true, 1);
        byte[] block = zstd.encode(List.<Object>of("a", "b", "c").iterator());
        byte[] truncated = Arrays.copyOf(block, block.length - 3);

        assertThatThrownBy(() -> zstd.decode(truncated, "block shuffle_0_1_2"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("block shuffle_0_1_2");
        assertThatThrownBy(() -> zstd.decode(new byte[] {7, 1}, "block x")).hasMessageContaining("unknown codec 7");
    }

    private Object roundTrip(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        serializer.write(new DataOutputStream(bytes), value);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        Object read = serializer.read(in);
        assertThat(in.available()).isZero();
        return read;
    }
}

package dev.lifeboat.runtime.internal.io;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * How a dataset checkpoint is laid out in a checkpoint store: one part per partition
 * ({@code part-00000}, ... each a {@link RecordCodec} block) and a {@code _meta} part.
 */
public final class CheckpointFormat {
    public static final String META = "_meta";
    private static final int VERSION = 1;

    private CheckpointFormat() {}

    public static String partName(int partition) {
        return String.format(Locale.ROOT, "part-%05d", partition);
    }

    /** What {@code _meta} says. */
    public record Meta(int partitions, String serializer) {
        public byte[] toBytes() {
            return ("format=" + VERSION + "\npartitions=" + partitions + "\nserializer=" + serializer + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        }

        /**
         * Parses a meta part.
         *
         * @throws IllegalStateException if the bytes are not a meta part this version understands
         */
        public static Meta parse(CheckpointId id, byte[] bytes) {
            Properties p = new Properties();
            try {
                p.load(new java.io.InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!String.valueOf(VERSION).equals(p.getProperty("format"))) {
                throw new IllegalStateException("checkpoint " + id + " has unknown format " + p.getProperty("format"));
            }
            try {
                return new Meta(Integer.parseInt(p.getProperty("partitions", "")), p.getProperty("serializer", ""));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("checkpoint " + id + " has a damaged " + META + " part", e);
            }
        }
    }
}

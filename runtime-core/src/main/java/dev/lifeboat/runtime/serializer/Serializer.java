package dev.lifeboat.runtime.serializer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Turns records into bytes and back, for everything that leaves a task: shuffle blocks, checkpoint
 * parts and locally checkpointed blocks. Chosen with {@code lifeboat.serializer} (a class with a
 * public no-argument constructor); {@link LifeboatSerializer} is the default.
 *
 * <p>The engine frames records itself (it knows where a block ends) and compresses whole blocks;
 * a serializer only writes one record at a time. Implementations must be thread-safe and
 * deterministic: {@code read} must return a record equal to the one written.
 */
public interface Serializer {
    /**
     * A stable name of the byte format, recorded in checkpoints: a checkpoint written with one
     * format is refused by an engine configured with another.
     */
    String name();

    /**
     * Writes one record.
     *
     * @throws SerializationException if the record, or something inside it, has a type this
     *     serializer cannot write; the message names the type
     */
    void write(DataOutput out, Object record) throws IOException;

    /**
     * Reads one record written by {@link #write}.
     *
     * @throws SerializationException if the bytes are not a record of this format
     */
    Object read(DataInput in) throws IOException;
}

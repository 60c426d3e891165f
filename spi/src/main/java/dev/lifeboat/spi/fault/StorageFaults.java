package dev.lifeboat.spi.fault;

import java.io.IOException;
import java.util.List;

/**
 * Damages a backend's storage the way real failures do: a flipped bit, a write cut short, an
 * object that disappeared. Used by the compatibility kit, by the engine's public fault-injection
 * API and by demos. It bypasses the backend's own checks on purpose.
 */
public interface StorageFaults {
    /** The objects of one kind, sorted by name (WAL segments in LSN order). */
    List<StoredObject> list(StoredKind kind) throws IOException;

    /** Inverts every bit of the byte at {@code offset}. */
    void flipByte(StoredObject object, long offset) throws IOException;

    /** Cuts the object to {@code length} bytes, as a crash in mid-write would. */
    void truncate(StoredObject object, long length) throws IOException;

    /** Removes the object. */
    void delete(StoredObject object) throws IOException;

    /**
     * Appends {@code bytes} to the object, as a writer that went on after the object's length
     * was recorded would.
     *
     * @throws UnsupportedOperationException if this backend's fault injection cannot (the default)
     */
    default void append(StoredObject object, byte[] bytes) throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot append to " + object.name());
    }
}

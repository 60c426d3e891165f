package dev.lifeboat.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * Stored bytes fail verification (checksum, length, magic or format) where valid data was
 * expected. Never treated as the end of data: the caller decides whether to repair, fall back
 * or fail. The exception names where the damage is.
 */
public class CorruptDataException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String location;
    private final long offset;

    /**
     * @param location the object, file or segment that holds the damaged bytes
     * @param offset the byte offset of the damage within {@code location}, or -1 if unknown
     * @param detail what failed verification
     */
    public CorruptDataException(String location, long offset, String detail) {
        this(location, offset, detail, null);
    }

    public CorruptDataException(String location, long offset, String detail, Throwable cause) {
        super(
                "Corrupt data in " + requireNonNull(location, "location is null")
                        + (offset >= 0 ? " at offset " + offset : "") + ": " + detail,
                cause);
        this.location = location;
        this.offset = offset;
    }

    /** The object, file or segment that holds the damaged bytes. */
    public String location() {
        return location;
    }

    /** The byte offset of the damage, or -1 if unknown. */
    public long offset() {
        return offset;
    }
}

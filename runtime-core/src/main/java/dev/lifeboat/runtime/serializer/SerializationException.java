package dev.lifeboat.runtime.serializer;

import java.io.IOException;

/**
 * A record cannot be serialised (its type is not supported) or deserialised (the bytes are not a
 * record of the expected format). The engine treats it as deterministic: a task that fails with it
 * is not retried.
 */
public class SerializationException extends IOException {
    private static final long serialVersionUID = 1L;

    public SerializationException(String message) {
        super(message);
    }

    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.lifeboat.spi;

import java.io.IOException;

/**
 * A remote call may or may not have taken effect (for example a timeout after a commit request
 * was sent). Distinct from a clean failure: callers reconcile by reading the state back, they
 * do not blindly retry.
 */
public class OutcomeUnknownException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}

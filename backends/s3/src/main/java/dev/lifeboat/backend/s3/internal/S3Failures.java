package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.spi.OutcomeUnknownException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * How {@link ObjectStore} maps the SDK's exceptions: status checks (missing object, failed
 * precondition), and the {@link IOException} a failed read or write becomes — interrupted, refused,
 * never sent, or {@link OutcomeUnknownException} when a write may or may not have taken effect.
 */
final class S3Failures {
    private S3Failures() {}

    static boolean isStatus(RuntimeException e, int status) {
        return e instanceof S3Exception s && s.statusCode() == status;
    }

    /** 412, or 409 (AWS answers ConditionalRequestConflict while a conflicting conditional write runs). */
    static boolean isPreconditionFailure(RuntimeException e) {
        return isStatus(e, 412) || isStatus(e, 409);
    }

    /** Whether the request certainly never reached the server (nothing to reconcile). */
    private static boolean certainlyNotSent(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    static IOException readFailure(String op, String bucket, String key, RuntimeException e) {
        if (e instanceof AbortedException) {
            InterruptedIOException ie = new InterruptedIOException(
                    "S3 " + op + " " + ObjectStore.describe(bucket, key) + " was interrupted");
            ie.initCause(e);
            return ie;
        }
        return new IOException("S3 " + op + " " + ObjectStore.describe(bucket, key) + " failed: " + e.getMessage(), e);
    }

    static IOException writeFailure(String op, String bucket, String key, RuntimeException e) {
        String what = "S3 " + op + " " + ObjectStore.describe(bucket, key);
        if (e instanceof S3Exception s && s.statusCode() >= 400 && s.statusCode() < 500) {
            return new IOException(what + " was refused: " + e.getMessage(), e);
        }
        if ((e instanceof SdkClientException || e instanceof UncheckedIOException) && certainlyNotSent(e)) {
            return new IOException(what + " could not be sent: " + e.getMessage(), e);
        }
        // A timeout, a dropped connection or a server error after the last retry: the request
        // may have been applied.
        return new OutcomeUnknownException(what + " may or may not have taken effect: " + e.getMessage(), e);
    }
}

package dev.lifeboat.backend.zookeeper.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.zookeeper.KeeperException;

/** Turns what Curator and ZooKeeper throw into the {@link IOException}s of the SPI. */
final class Failures {
    private Failures() {}

    /**
     * {@code failure} as an {@link IOException} whose message starts with {@code what}; an
     * {@link IOException} is returned as it is, and an {@link InterruptedException} restores the
     * thread's interrupt flag.
     */
    static IOException io(String what, Throwable failure) {
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            InterruptedIOException e = new InterruptedIOException(what + ": interrupted");
            e.initCause(failure);
            return e;
        }
        if (failure instanceof IOException e) {
            return e;
        }
        if (failure instanceof KeeperException ke) {
            return new IOException(
                    what + ": ZooKeeper says " + ke.code() + (ke.getPath() != null ? " for " + ke.getPath() : ""), ke);
        }
        return new IOException(what + ": " + failure, failure);
    }

    /** Whether {@code failure} comes from the connection or session rather than from the request. */
    static boolean isConnectionProblem(Throwable failure) {
        if (failure instanceof KeeperException ke) {
            return switch (ke.code()) {
                case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, SESSIONMOVED, SESSIONCLOSEDREQUIRESASLAUTH ->
                    true;
                default -> false;
            };
        }
        return false;
    }
}

package dev.lifeboat.backend.common.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Arrays;

/**
 * Closing several things at once: every one is closed, whatever the others do; the first failure
 * is thrown with the later ones added to it as suppressed, so that none is lost.
 */
public final class Closeables {
    private Closeables() {}

    /**
     * Closes each of {@code all} in order ({@code null} entries are passed over). An
     * {@link IOException} or {@link RuntimeException} is thrown as it is; any other checked
     * exception is wrapped in an {@link IOException}. An {@link Error} is not caught.
     */
    public static void closeAll(Iterable<? extends AutoCloseable> all) throws IOException {
        requireNonNull(all, "all");
        Exception failure = null;
        for (AutoCloseable c : all) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                failure = firstOf(failure, e);
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    /** {@link #closeAll(Iterable)} of the arguments. */
    public static void closeAll(AutoCloseable... all) throws IOException {
        requireNonNull(all, "all");
        closeAll(Arrays.asList(all));
    }

    /**
     * Keeps the first of two failures: returns {@code next} if {@code first} is null, otherwise
     * {@code first} with {@code next} added as suppressed.
     */
    public static <T extends Throwable> T firstOf(T first, T next) {
        requireNonNull(next, "next");
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }
}

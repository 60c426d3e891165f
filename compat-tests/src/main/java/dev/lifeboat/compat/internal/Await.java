package dev.lifeboat.compat.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline, for conditions the SPIs offer no way to wait on. Not API. */
public final class Await {
    private static final long POLL_MILLIS = 5;

    private Await() {}

    /**
     * Polls {@code condition} until it holds or {@code timeout} passes.
     *
     * @return whether it held
     */
    public static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}

package dev.lifeboat.backend.chronicle.internal;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;
import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The clock a queue's roll cycle follows: the wall clock, but never earlier than a floor. Chronicle
 * picks the cycle file of an append from this clock, so the floor keeps the cycle from going
 * backwards (a wall clock set back, cycles that ran ahead of it) and lets the writer move to the
 * next cycle file at once: after a torn tail, or once a cycle holds {@code segment-bytes}. Only
 * the cycle is taken from this clock; record timestamps are the caller's.
 */
public final class CycleClock implements TimeProvider {
    private final LongSupplier wall;
    private volatile long floor = Long.MIN_VALUE;

    public CycleClock(LongSupplier wall) {
        this.wall = requireNonNull(wall, "wall is null");
    }

    @Override
    public long currentTimeMillis() {
        return Math.max(wall.getAsLong(), floor);
    }

    /** Raises the floor to {@code millis}; a lower value changes nothing. Called by the one writer. */
    public void raiseFloor(long millis) {
        if (millis > floor) {
            floor = millis;
        }
    }
}

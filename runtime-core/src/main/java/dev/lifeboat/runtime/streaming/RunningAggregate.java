package dev.lifeboat.runtime.streaming;

/**
 * The running aggregate of one key: how many records and the sum of their values.
 *
 * @param count records seen, {@code >= 0}
 * @param sum the sum of their values
 */
public record RunningAggregate(long count, long sum) {
    public static final RunningAggregate ZERO = new RunningAggregate(0, 0);

    public RunningAggregate {
        if (count < 0) {
            throw new IllegalArgumentException("count is negative: " + count);
        }
    }

    /** This aggregate with one more record of {@code value}. */
    public RunningAggregate plus(long value) {
        return new RunningAggregate(count + 1, sum + value);
    }
}

package dev.lifeboat.spark.internal;

/**
 * Spark's Scala traits declare no checked exceptions, yet Spark expects Hadoop's
 * {@code IOException}s (for example {@code FileAlreadyExistsException}) from them, as Scala code
 * throws them. Java implementations rethrow them unchanged through this.
 */
public final class Sneaky {
    private Sneaky() {}

    /** Throws {@code t} unchanged; declared to return so callers can write {@code throw Sneaky.raise(e)}. */
    public static RuntimeException raise(Throwable t) {
        return Sneaky.<RuntimeException>raise0(t);
    }

    // T only steers the compiler past the checked-exception rule: the sneaky-throw idiom.
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private static <T extends Throwable> T raise0(Throwable t) throws T {
        throw (T) t;
    }
}

package dev.lifeboat.compat.internal;

/**
 * The base of the kit's random seeds. Fixed by default, so a failure can be run again; the
 * system property {@value #PROPERTY} moves every seed (crash moments, payloads) at once. Not API.
 */
public final class Seeds {
    /** System property that shifts every seed of the kit. */
    public static final String PROPERTY = "lifeboat.compat.seed";

    private Seeds() {}

    /** The seed for {@code round}: the base from {@value #PROPERTY} (default 0) plus {@code round}. */
    public static long seed(long round) {
        return Long.getLong(PROPERTY, 0L) + round;
    }
}

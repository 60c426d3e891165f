package dev.lifeboat.backend.common.checkpoint;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Attempt ids: unique per checkpoint attempt, sortable by start time, so garbage collection can
 * tell an abandoned attempt's age from its name alone (no clock on the storage needed).
 * Format: {@code <start-millis, 13 digits>-<16 random hex>}.
 */
public final class Attempts {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("\\d{13}-[0-9a-f]{16}");

    private Attempts() {}

    public static String newAttemptId() {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return String.format("%013d", System.currentTimeMillis()) + "-"
                + HexFormat.of().formatHex(random);
    }

    public static boolean isAttemptId(String s) {
        return FORMAT.matcher(s).matches();
    }

    /** When the attempt started, by the writer's clock. */
    public static long startMillis(String attemptId) {
        if (!isAttemptId(attemptId)) {
            throw new IllegalArgumentException("not an attempt id: '" + attemptId + "'");
        }
        return Long.parseLong(attemptId.substring(0, 13));
    }
}

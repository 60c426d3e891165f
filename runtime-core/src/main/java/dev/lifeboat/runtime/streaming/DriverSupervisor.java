package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Restarts a failed driver process, like YARN's maximum application attempts: attempt
 * {@code 1..maxAttempts} runs until the driver exits; exit code 0 is success, anything else is a
 * failure and the next attempt starts. After {@code maxAttempts} failures it gives up with
 * {@link DriverFailedException} carrying the last cause (exit code and the end of standard error).
 */
public final class DriverSupervisor {
    /** Starts attempt {@code n} (from 1); the supervisor reads its standard error (keep it a pipe). */
    @FunctionalInterface
    public interface Launcher {
        Process start(int attempt) throws IOException;
    }

    /** The driver failed every attempt. */
    public static final class DriverFailedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int attempts;
        private final int lastExitCode;

        DriverFailedException(int attempts, int lastExitCode, String lastStderr) {
            super("driver gave up after " + attempts + " attempt(s); the last exited with code " + lastExitCode
                    + (lastStderr.isBlank() ? "" : ": " + lastStderr.strip()));
            this.attempts = attempts;
            this.lastExitCode = lastExitCode;
        }

        public int attempts() {
            return attempts;
        }

        public int lastExitCode() {
            return lastExitCode;
        }
    }

    private static final int STDERR_TAIL = 2000;

    private DriverSupervisor() {}

    /**
     * Runs attempts until one succeeds.
     *
     * @return the number of the attempt that succeeded
     * @throws DriverFailedException after {@code maxAttempts} failures
     */
    public static int run(int maxAttempts, Launcher launcher, Consumer<String> log)
            throws IOException, InterruptedException {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        requireNonNull(launcher, "launcher is null");
        requireNonNull(log, "log is null");
        int code = -1;
        String stderr = "";
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Process p = launcher.start(attempt);
            log.accept("attempt " + attempt + "/" + maxAttempts + " started (pid " + p.pid() + ")");
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            code = p.waitFor();
            if (code == 0) {
                log.accept("attempt " + attempt + " succeeded");
                return attempt;
            }
            stderr = err.length() > STDERR_TAIL ? err.substring(err.length() - STDERR_TAIL) : err;
            log.accept("attempt " + attempt + " failed with exit code " + code);
        }
        throw new DriverFailedException(maxAttempts, code, stderr);
    }
}

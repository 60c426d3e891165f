package dev.lifeboat.compat.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What every crash-test child main shares: whole-line output in one {@code write} call (so a
 * line is either on the pipe or not), exit when the parent goes away, and a report of any
 * failure on standard error. Not API.
 */
public final class ChildSupport {
    /** Exit code when the child's standard input ends (the parent closed it or died). */
    public static final int PARENT_GONE = 3;

    private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);

    static {
        // Only emit() writes to standard output: anything else printed with System.out (a
        // library's console logger, a buffered partial line) goes to standard error, so it can
        // never be glued to the front of a protocol line and hide it from the parent.
        System.setOut(System.err);
    }

    private ChildSupport() {}

    /** Writes {@code line} and a newline to standard output in one call, then returns. */
    public static void emit(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (OUT) {
            try {
                OUT.write(bytes);
                OUT.flush();
            } catch (IOException e) {
                // The parent stopped reading: it is gone or has what it needs.
                Runtime.getRuntime().halt(PARENT_GONE);
            }
        }
    }

    /** Starts a daemon thread that halts this JVM when standard input reaches end of file. */
    public static void exitWhenParentDies() {
        Thread watcher = new Thread(
                () -> {
                    InputStream in = System.in;
                    try {
                        while (in.read() >= 0) {
                            // The parent sends nothing; any byte is ignored.
                        }
                    } catch (IOException e) {
                        // Treated as the end of input.
                    }
                    Runtime.getRuntime().halt(PARENT_GONE);
                },
                "lifeboat-compat-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Reports a failure of the child on standard error and halts with code 1. */
    public static void fail(Throwable t) {
        System.err.println("crash-test child failed: " + t);
        t.printStackTrace(System.err);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    /** Halts when {@code args} does not have {@code count} words, naming {@code usage}. */
    public static void requireArgs(String[] args, int count, String usage) {
        if (args.length != count) {
            System.err.println("usage: " + usage);
            System.err.flush();
            Runtime.getRuntime().halt(2);
        }
    }
}

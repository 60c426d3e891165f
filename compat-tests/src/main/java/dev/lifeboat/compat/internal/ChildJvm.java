package dev.lifeboat.compat.internal;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM that runs one of the kit's crash-test mains, so a test can kill it with
 * {@code SIGKILL} ({@link ProcessHandle#destroyForcibly()}) at a moment of its choosing. Not API.
 *
 * <p>The child is launched with the parent's own {@code java} binary, its class path
 * ({@code java.class.path}) and the module and system-property flags the parent was started with
 * ({@code --add-opens}, {@code --add-exports}, {@code --add-reads}, {@code --add-modules},
 * {@code -D...}), plus the parent's {@code java.io.tmpdir}. More flags can be given in the system
 * property {@value #EXTRA_ARGS_PROPERTY} (space-separated).
 *
 * <p>Only whole lines of the child's standard output are delivered: a line cut short by the
 * kill never was acknowledged. Every whole line the child wrote before the kill is delivered. The child exits by itself when its standard input reaches end of
 * file, so a child never outlives a parent that died ({@link ChildSupport#exitWhenParentDies}).
 */
public final class ChildJvm implements AutoCloseable {
    /** System property with extra JVM flags for children, separated by spaces. */
    public static final String EXTRA_ARGS_PROPERTY = "lifeboat.compat.child-jvm-args";

    private static final int STDERR_LIMIT = 64 * 1024;
    private static final int MAX_INLINE_CLASS_PATH = 100_000;

    private final String mainClass;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private final List<Path> tempFiles;
    private volatile boolean stdoutClosed;

    private ChildJvm(String mainClass, Process process, List<Path> tempFiles) {
        this.mainClass = mainClass;
        this.process = process;
        this.tempFiles = tempFiles;
        this.stdoutPump =
                new Thread(() -> pumpLines(process.getInputStream()), "lifeboat-compat-child-stdout-" + process.pid());
        this.stderrPump =
                new Thread(() -> pumpText(process.getErrorStream()), "lifeboat-compat-child-stderr-" + process.pid());
        stdoutPump.setDaemon(true);
        stderrPump.setDaemon(true);
    }

    /**
     * Starts {@code mainClass} in a new JVM with {@code args}.
     *
     * @throws IOException if the JVM cannot be started
     */
    public static ChildJvm start(Class<?> mainClass, List<String> args) throws IOException {
        requireNonNull(mainClass, "mainClass is null");
        requireNonNull(args, "args is null");
        List<Path> tempFiles = new ArrayList<>();
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(inheritedJvmArgs());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        // The child's standard output carries its protocol lines only: the VM's own messages
        // (warnings are printed to standard output, in several writes) would otherwise interleave
        // with a line mid-way and hide it from the parent.
        command.add("-XX:+DisplayVMOutputToStderr");
        String extra = System.getProperty(EXTRA_ARGS_PROPERTY, "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.length() > MAX_INLINE_CLASS_PATH) {
            // One argument may hold at most 128 KiB on Linux: pass a long class path in a file.
            Path file = Files.createTempFile("lifeboat-child-classpath", ".args");
            tempFiles.add(file);
            Files.writeString(file, "-cp \"" + classPath.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n");
            command.add("@" + file);
        } else {
            command.add("-cp");
            command.add(classPath);
        }
        command.add(mainClass.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command).start();
        ChildJvm child = new ChildJvm(mainClass.getSimpleName(), process, tempFiles);
        child.stdoutPump.start();
        child.stderrPump.start();
        return child;
    }

    /**
     * The next whole line the child printed, waiting up to {@code timeout}.
     *
     * @return the line, or empty if none came in time or the child's output ended
     */
    public Optional<String> nextLine(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(10, TimeUnit.MILLISECONDS);
            if (line != null) {
                return Optional.of(line);
            }
            if ((stdoutClosed && lines.isEmpty()) || System.nanoTime() - deadline > 0) {
                return Optional.empty();
            }
        }
    }

    /**
     * Waits for a line that starts with {@code prefix}, skipping others.
     *
     * @throws AssertionError naming the child's state and standard error if none came in time
     */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Optional<String> line = nextLine(Duration.ofNanos(Math.max(0, left)));
            if (line.isPresent() && line.get().startsWith(prefix)) {
                return line.get();
            }
            if (line.isEmpty()) {
                throw new AssertionError("the child printed no line starting with '" + prefix + "' within " + timeout
                        + ": " + describe());
            }
        }
    }

    /**
     * Kills the child with {@code SIGKILL}, waits for it to exit and for its output to end.
     *
     * @return the whole lines printed before the kill that were not yet taken with {@link #nextLine}
     */
    public List<String> kill() throws InterruptedException {
        // Through the process handle, not Process.destroyForcibly(): that also closes this side
        // of the child's standard output at once, dropping every line the pump had not read yet
        // (a committed checkpoint whose BEGIN the parent never saw). The handle only signals, and
        // the pump reads the pipe to its end below.
        process.toHandle().destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not exit within 60 s of SIGKILL: " + describe());
        }
        stdoutPump.join(TimeUnit.SECONDS.toMillis(30));
        stderrPump.join(TimeUnit.SECONDS.toMillis(30));
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        return rest;
    }

    /**
     * Pauses ({@code SIGSTOP}, {@code pause = true}) or resumes ({@code SIGCONT}) the child. A
     * pause returns once every thread of the child is stopped (on Linux, read from
     * {@code /proc/<pid>/task}): {@code kill -STOP} returns before the kernel has stopped them all.
     */
    public void signal(boolean pause) throws IOException, InterruptedException {
        String sig = pause ? "-STOP" : "-CONT";
        Process k = new ProcessBuilder("kill", sig, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (k.waitFor() != 0) {
            throw new IOException("kill " + sig + " " + process.pid() + " failed: " + describe());
        }
        if (pause) {
            awaitStopped();
        }
    }

    private void awaitStopped() throws IOException, InterruptedException {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        if (!Files.isDirectory(tasks)) {
            Thread.sleep(200); // no procfs: give the signal time to land
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            boolean allStopped = true;
            try (java.util.stream.Stream<Path> s = Files.list(tasks)) {
                for (Path t : s.toList()) {
                    String stat;
                    try {
                        stat = Files.readString(t.resolve("stat"));
                    } catch (IOException gone) {
                        continue; // the thread ended
                    }
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (state != 'T' && state != 't') {
                        allStopped = false;
                    }
                }
            }
            if (allStopped) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("child " + process.pid() + " did not stop within 10 s of SIGSTOP");
            }
            Thread.sleep(2);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** What the child printed on standard error so far (the first 64 KiB). */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** The child's main class, pid, state and standard error, for failure messages. */
    public String describe() {
        String state = process.isAlive() ? "running" : "exited with code " + process.exitValue();
        String err = stderr().strip();
        return mainClass + " (pid " + process.pid() + ", " + state + ")"
                + (err.isEmpty() ? ", nothing on stderr" : ", stderr:\n" + err);
    }

    /** Kills the child if it still runs. Idempotent. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The child is gone already; nothing to tell it.
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Path file : tempFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A left-over argument file in the temporary directory is harmless.
            }
        }
    }

    private void pumpLines(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        String text = line.toString(StandardCharsets.UTF_8);
                        lines.add(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
                        line.reset();
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
        } catch (IOException e) {
            // The pipe broke because the child died: what was read is all there is.
        } finally {
            stdoutClosed = true; // a partial last line is dropped: it was cut by the kill
        }
    }

    private void pumpText(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (stderr) {
                    if (stderr.length() < STDERR_LIMIT) {
                        stderr.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // The child died; keep what was read.
        }
    }

    private static String javaBinary() {
        Optional<String> current = ProcessHandle.current().info().command();
        if (current.isPresent() && Files.isExecutable(Path.of(current.get()))) {
            return current.get();
        }
        boolean windows =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java")
                .toString();
    }

    /** The parent's module flags and system properties, as given on its command line. */
    static List<String> inheritedJvmArgs() {
        List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String arg = in.get(i);
            if (isModuleFlag(arg)) {
                out.add(arg);
                if (!arg.contains("=") && i + 1 < in.size()) {
                    out.add(in.get(++i)); // the two-word form: --add-opens java.base/x=ALL-UNNAMED
                }
            } else if (arg.startsWith("-D") && !arg.startsWith("-Djava.io.tmpdir=")) {
                out.add(arg);
            }
        }
        return out;
    }

    private static boolean isModuleFlag(String arg) {
        return arg.startsWith("--add-opens")
                || arg.startsWith("--add-exports")
                || arg.startsWith("--add-reads")
                || arg.startsWith("--add-modules")
                || arg.startsWith("--enable-native-access");
    }
}

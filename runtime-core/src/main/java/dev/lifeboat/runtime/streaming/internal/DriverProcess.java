package dev.lifeboat.runtime.streaming.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A driver JVM started from this JVM's class path, with its standard output delivered line by
 * line, so the demo and tests can kill ({@code SIGKILL}), pause ({@code SIGSTOP}) and resume it.
 * Not API.
 */
public final class DriverProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by others: its locking is wanted
    private final StringBuffer stderr = new StringBuffer();

    private final List<String> all = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();
    private final Thread out;
    private final Thread err;

    private DriverProcess(Process process) {
        this.process = process;
        out = new Thread(() -> pump(true), "driver-stdout-" + process.pid());
        err = new Thread(() -> pump(false), "driver-stderr-" + process.pid());
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM. */
    public static DriverProcess start(Class<?> mainClass, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        // The module flags this JVM was given (Chronicle Queue needs them, see the lifeboat
        // launcher), so a driver can open every store its parent can.
        for (String arg :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dchronicle.")) {
                cmd.add(arg);
            }
        }
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return new DriverProcess(new ProcessBuilder(cmd).start());
    }

    private void pump(boolean stdout) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                stdout ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (stdout) {
                    synchronized (all) {
                        all.add(line);
                        arrivals.add(System.currentTimeMillis());
                    }
                    lines.add(line);
                } else if (stderr.length() < 64 * 1024) {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Waits for a line starting with {@code prefix}, skipping others; empty on timeout or exit. */
    public Optional<String> await(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(20, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return Optional.of(line);
            }
            // The pump, not the process, decides the end: a process that has exited may still
            // have lines in the pipe.
            if (line == null && !out.isAlive() && lines.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Every line printed so far. */
    public List<String> output() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** When each line of {@link #output()} arrived, by this JVM's clock (epoch millis). */
    public List<Long> arrivals() {
        synchronized (all) {
            return List.copyOf(arrivals);
        }
    }

    public String stderr() {
        return stderr.toString();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL, and wait for the exit and for the end of its output: every line the driver printed
     * before it died is in {@link #output()} when this returns.
     */
    public void kill() throws InterruptedException {
        // Through the process handle: Process.destroyForcibly() also closes this side of the
        // driver's standard output at once, dropping lines the pump had not read yet (a committed
        // batch the caller then never hears about). The handle only signals.
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        out.join(TimeUnit.SECONDS.toMillis(30));
        err.join(TimeUnit.SECONDS.toMillis(30));
    }

    /** Sends {@code SIGSTOP} ({@code pause = true}) or {@code SIGCONT}. */
    public void signal(boolean pause) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", pause ? "-STOP" : "-CONT", Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (k.waitFor() != 0) {
            throw new IOException("kill " + (pause ? "-STOP" : "-CONT") + " " + process.pid() + " failed");
        }
        if (pause) {
            awaitStopped();
        }
    }

    /**
     * Waits until every thread of the process is stopped: {@code kill -STOP} returns before the
     * kernel has stopped them all, and a thread still running could act after the caller
     * believes the process paused (on Linux, read from {@code /proc/<pid>/task/<tid>/stat}).
     */
    private void awaitStopped() throws IOException, InterruptedException {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            Thread.sleep(200); // no procfs: give the signal time to land
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            boolean allStopped = true;
            try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(tasks)) {
                for (Path t : s.toList()) {
                    String stat;
                    try {
                        stat = java.nio.file.Files.readString(t.resolve("stat"));
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
                throw new IOException("process " + process.pid() + " did not stop within 10 s of SIGSTOP");
            }
            Thread.sleep(5);
        }
    }

    /** Waits for the exit; the exit code, or empty on timeout. */
    public Optional<Integer> waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? Optional.of(process.exitValue())
                : Optional.empty();
    }

    /** Kills the process if alive. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal(false);
            } catch (IOException | InterruptedException e) {
                // best effort: SIGKILL below ends a stopped process too
            }
            process.destroyForcibly();
        }
    }

    /** The process' description for failures. */
    @Override
    public String toString() {
        return "driver pid " + process.pid() + (process.isAlive() ? " running" : " exited " + process.exitValue())
                + "\nstdout tail: " + tail(output()) + "\nstderr: " + stderr();
    }

    private static List<String> tail(List<String> l) {
        return l.subList(Math.max(0, l.size() - 15), l.size());
    }
}

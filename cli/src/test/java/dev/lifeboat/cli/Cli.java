package dev.lifeboat.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Runs the command in this JVM or in another one, and builds third-party fixture jars. */
final class Cli {
    /** Exit code and everything printed. */
    record Run(int exit, String out) {}

    private Cli() {}

    /** {@code lifeboat args...} in this JVM. */
    static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        int exit = Main.run(args, out, out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.printf(
                "$ lifeboat %s%n%s(exit %d, %d ms)%n",
                String.join(" ", args), text, exit, (System.nanoTime() - start) / 1_000_000);
        return new Run(exit, text);
    }

    /** A command in another process, run in {@code dir}, with standard error merged into the output. */
    static Run exec(Path dir, List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> copy(p.getInputStream(), bytes));
        pump.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            pump.join();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + bytes);
        }
        pump.join();
        return new Run(p.exitValue(), bytes.toString(StandardCharsets.UTF_8));
    }

    /** {@code java <this JVM's module flags> -cp <this class path>:extra dev.lifeboat.cli.Main args...} */
    static List<String> java(String extraClassPath, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle.")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path") + (extraClassPath == null ? "" : ":" + extraClassPath));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void copy(InputStream in, OutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the process is gone; what was read is kept
        }
    }

    /**
     * Compiles the fixture backend {@code fixtures/<name>/} (its {@code .java} sources, and a
     * {@code <service>.service} file per ServiceLoader registration) against this class path into
     * {@code <dir>/<name>.jar}, as a third party would ship it.
     */
    static Path fixtureJar(String name, Path dir, List<String> sources, List<String> services) throws IOException {
        Path src = Files.createDirectories(dir.resolve(name + "-src"));
        Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
        List<String> files = new ArrayList<>();
        for (String s : sources) {
            Path f = src.resolve(s);
            try (InputStream in = resource("fixtures/" + name + "/" + s)) {
                Files.copy(in, f);
            }
            files.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(
                List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "--release", "17"));
        args.addAll(files);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        if (rc != 0) {
            throw new AssertionError("fixture " + name + " does not compile:\n" + diagnostics);
        }
        Path jar = dir.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                var walk = Files.walk(classes)) {
            for (Path c : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                Files.copy(c, out);
                out.closeEntry();
            }
            for (String service : services) {
                out.putNextEntry(new JarEntry("META-INF/services/" + service.replace(".service", "")));
                try (InputStream in = resource("fixtures/" + name + "/" + service)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = Cli.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IOException("no test resource " + path);
        }
        return in;
    }
}

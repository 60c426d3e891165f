package dev.lifeboat.spark.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A storage server in its own JVM, started from the class path that a
 * {@code lifeboat-spark-test-*} module recorded (as the resource
 * {@code dev/lifeboat/spark/test/<name>.classpath}, which must be on the caller's class path):
 * MiniDFSCluster's Hadoop and S3Proxy's Jackson and Jetty cannot share a class path with Spark.
 * Its output goes to {@code <name>.log} in the directory it runs in; a JVM that exits without
 * closing it still stops it (shutdown hook).
 */
public final class ServerJvm implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final URI uri;

    private ServerJvm(Process process, URI uri) {
        this.process = process;
        this.uri = uri;
    }

    /** {@code hdfs://host:port} of the namenode, or {@code http://host:port} of S3Proxy. */
    public URI uri() {
        return uri;
    }

    /**
     * A MiniDFSCluster with one datanode, its data under {@code dir}; returns once it is up.
     *
     * @param jvmFlags flags for the server's JVM (for example a smaller JIT for short tests)
     */
    public static ServerJvm miniDfs(Path dir, List<String> jvmFlags) throws IOException, InterruptedException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(jvmFlags, "jvmFlags");
        int port = freePort();
        Path written = dir.resolve("minidfs-conf.xml");
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.add("-Dtest.build.data=" + dir.resolve("minidfs"));
        Process process = launch(
                dir,
                "minidfs",
                flags,
                "org.apache.hadoop.mapreduce.MiniHadoopClusterManager",
                List.of(
                        "-nomr",
                        "-format",
                        "-nnport",
                        Integer.toString(port),
                        "-nnhttpport",
                        "0",
                        "-datanodes",
                        "1",
                        "-writeConfig",
                        written.toString()));
        ServerJvm server = new ServerJvm(process, URI.create("hdfs://127.0.0.1:" + port));
        try {
            // The cluster writes its configuration once it is up.
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.exists(written)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("MiniDFSCluster did not start; see " + dir.resolve("minidfs.log"));
                }
                Thread.sleep(50);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * S3Proxy on a file system blob store under {@code dir}, with the given keys; returns once it
     * accepts connections.
     *
     * @param buckets buckets to make (as directories of the blob store, before it starts)
     * @param jvmFlags flags for the server's JVM
     */
    public static ServerJvm s3Proxy(
            Path dir, String accessKey, String secretKey, List<String> buckets, List<String> jvmFlags)
            throws IOException, InterruptedException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(buckets, "buckets");
        Objects.requireNonNull(jvmFlags, "jvmFlags");
        int port = freePort();
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        for (String bucket : buckets) {
            Files.createDirectories(blobs.resolve(bucket));
        }
        Path properties = dir.resolve("s3proxy.conf");
        Files.writeString(
                properties,
                String.join(
                                "\n",
                                "s3proxy.endpoint=http://127.0.0.1:" + port,
                                "s3proxy.authorization=aws-v2-or-v4",
                                "s3proxy.identity=" + accessKey,
                                "s3proxy.credential=" + secretKey,
                                "jclouds.provider=filesystem",
                                "jclouds.filesystem.basedir=" + blobs)
                        + "\n");
        Path logback = dir.resolve("logback.xml");
        Files.writeString(
                logback,
                "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                        + "<target>System.err</target><encoder><pattern>%d %-5level %logger{36} - %msg%n</pattern>"
                        + "</encoder></appender><root level=\"WARN\"><appender-ref ref=\"E\"/></root></configuration>");
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.add("-Dlogback.configurationFile=" + logback);
        Process process =
                launch(dir, "s3proxy", flags, "org.gaul.s3proxy.Main", List.of("--properties", properties.toString()));
        ServerJvm server = new ServerJvm(process, URI.create("http://127.0.0.1:" + port));
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!accepts(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("S3Proxy did not start; see " + dir.resolve("s3proxy.log"));
                }
                Thread.sleep(50);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static Process launch(Path dir, String name, List<String> jvmArgs, String main, List<String> args)
            throws IOException {
        String resource = "/dev/lifeboat/spark/test/" + name + ".classpath";
        String classPath;
        try (InputStream in = ServerJvm.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "no " + resource + " on the class path (it comes from lifeboat-spark-test-" + name + ")");
            }
            classPath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(main);
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        // A JVM that dies without its tear-down must not leave the server running.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the server and waits for its JVM to end (10 s, then forcibly). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

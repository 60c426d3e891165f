package dev.lifeboat.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real servers of the Spark tests, each in its own JVM started from the class path that the
 * test-servers modules recorded: S3Proxy's Jackson and Jetty, and MiniDFSCluster's Hadoop, cannot
 * share a class path with Spark 3.5.
 */
final class TestServers {
    private TestServers() {}

    /** An S3Proxy server (file system blob store) with one bucket. */
    static final class S3 implements AutoCloseable {
        static final String BUCKET = "lifeboat-spark";
        static final String ACCESS_KEY = "lifeboat-spark-access";
        static final String SECRET_KEY = "lifeboat-spark-secret";

        private final Process process;
        final URI endpoint;

        private S3(Process process, URI endpoint) {
            this.process = process;
            this.endpoint = endpoint;
        }

        static S3 start(Path dir) throws IOException, InterruptedException {
            int port = freePort();
            Path blobs = Files.createDirectories(dir.resolve("blobs"));
            Path properties = dir.resolve("s3proxy.conf");
            Files.writeString(
                    properties,
                    String.join(
                                    "\n",
                                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                                    "s3proxy.authorization=aws-v2-or-v4",
                                    "s3proxy.identity=" + ACCESS_KEY,
                                    "s3proxy.credential=" + SECRET_KEY,
                                    "jclouds.provider=filesystem",
                                    "jclouds.filesystem.basedir=" + blobs)
                            + "\n");
            Path logback = dir.resolve("logback.xml");
            Files.writeString(
                    logback,
                    "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                            + "<target>System.err</target><encoder><pattern>%d %-5level %logger{36} - %msg%n</pattern></encoder>"
                            + "</appender><root level=\"WARN\"><appender-ref ref=\"E\"/></root></configuration>");
            Process process = launch(
                    dir,
                    "s3proxy",
                    List.of("-Dlogback.configurationFile=" + logback),
                    "org.gaul.s3proxy.Main",
                    List.of("--properties", properties.toString()));
            S3 server = new S3(process, URI.create("http://127.0.0.1:" + port));
            try {
                awaitPort(process, port, dir.resolve("s3proxy.log"));
                try (S3Client client = server.client()) {
                    client.createBucket(b -> b.bucket(BUCKET));
                }
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }

        S3Client client() {
            return S3Client.builder()
                    .endpointOverride(endpoint)
                    .region(Region.US_EAST_1)
                    .forcePathStyle(true)
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }

        /** The Lifeboat S3 options, as Spark configuration keys. */
        Map<String, String> sparkConf(URI endpointToUse) {
            Map<String, String> conf = new LinkedHashMap<>();
            String p = "spark.lifeboat.checkpoint.option.";
            conf.put(p + "endpoint", endpointToUse.toString());
            conf.put(p + "path-style", "true");
            conf.put(p + "region", "us-east-1");
            conf.put(p + "access-key", ACCESS_KEY);
            conf.put(p + "secret-key", SECRET_KEY);
            return conf;
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    /** A MiniDFSCluster with one data node. */
    static final class Hdfs implements AutoCloseable {
        private final Process process;
        final URI uri;

        private Hdfs(Process process, URI uri) {
            this.process = process;
            this.uri = uri;
        }

        static Hdfs start(Path dir) throws IOException, InterruptedException {
            int port = freePort();
            Path conf = dir.resolve("minidfs-conf.xml");
            Process process = launch(
                    dir,
                    "minidfs",
                    List.of("-Dtest.build.data=" + dir.resolve("data")),
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
                            conf.toString()));
            Hdfs server = new Hdfs(process, URI.create("hdfs://127.0.0.1:" + port));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!Files.exists(conf)) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IOException("MiniDFSCluster did not start; see " + dir.resolve("minidfs.log"));
                    }
                    Thread.sleep(50);
                }
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    private static Process launch(Path dir, String name, List<String> jvmArgs, String main, List<String> args)
            throws IOException {
        String resource = "/dev/lifeboat/spark/test/" + name + ".classpath";
        String classPath;
        try (InputStream in = TestServers.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "no " + resource + " on the test class path (lifeboat-spark-test-" + name + ")");
            }
            classPath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
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
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }

    private static void awaitPort(Process process, int port, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 200);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("server on port " + port + " did not start; see " + log, e);
                }
                Thread.sleep(50);
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

package dev.lifeboat.benchmarks.servers;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.benchmarks.BenchSupport;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend under test for one benchmark trial, with the server it needs started in this JVM:
 * where its stores and logs go ({@link #uri}) and the options that reach them ({@link #options}).
 *
 * <table>
 * <caption>Backends</caption>
 * <tr><th>name</th><th>server</th><th>URIs</th></tr>
 * <tr><td>{@code local}</td><td>none</td><td>{@code file:///...}</td></tr>
 * <tr><td>{@code chronicle}</td><td>none</td><td>{@code chronicle:///...} (write-ahead logs only)</td></tr>
 * <tr><td>{@code hadoop}</td><td>MiniDFSCluster, one datanode</td><td>{@code hdfs://127.0.0.1:port/...}</td></tr>
 * <tr><td>{@code s3}</td><td>S3Proxy with its file-system store</td><td>{@code s3://lifeboat-bench/...}</td></tr>
 * <tr><td>{@code azure}</td><td>Azurite (Node.js process) with its disk persistence</td><td>{@code azblob://devstoreaccount1/lifeboat-bench/...}</td></tr>
 * <tr><td>{@code zookeeper}</td><td>Curator TestingServer</td><td>{@code zk://127.0.0.1:port/...} (election only)</td></tr>
 * </table>
 *
 * <p>Every server keeps its bytes below the trial's directory, on the disk the raw baselines
 * use. The emulators share the benchmark's CPU and measure the client path, not a cloud service.
 */
public final class BackendFixture implements AutoCloseable {
    /** Every backend name {@link #start} accepts. */
    public static final List<String> BACKENDS = List.of("local", "chronicle", "hadoop", "s3", "azure", "zookeeper");

    private final String backend;
    private final Path dir;
    private final Server server;
    private final AtomicInteger names = new AtomicInteger();

    /** A started server: its URI base and connection options, and how to stop it. */
    interface Server extends AutoCloseable {
        /** The URI of a fresh location {@code name} (unique within the trial). */
        URI uri(String name);

        Map<String, String> options();

        @Override
        void close() throws IOException;
    }

    private BackendFixture(String backend, Path dir, Server server) {
        this.backend = backend;
        this.dir = dir;
        this.server = server;
    }

    /**
     * Starts {@code backend}'s server (if it has one) below a fresh directory.
     *
     * @throws IllegalArgumentException if {@code backend} is not one of {@link #BACKENDS}
     * @throws IOException if the server does not start
     */
    public static BackendFixture start(String backend) throws IOException {
        requireNonNull(backend, "backend is null");
        if (!BACKENDS.contains(backend)) {
            throw new IllegalArgumentException("unknown backend '" + backend + "': one of " + BACKENDS);
        }
        Path dir = BenchSupport.freshDir(backend);
        try {
            Server server = switch (backend) {
                case "local" -> new DirectoryServer("file", dir);
                case "chronicle" -> new DirectoryServer("chronicle", dir);
                case "hadoop" -> HdfsServer.start(dir);
                case "s3" -> S3Server.start(dir);
                case "azure" -> AzuriteServer.start(dir);
                case "zookeeper" -> ZooKeeperServer.start(dir);
                default -> throw new AssertionError(backend);
            };
            return new BackendFixture(backend, dir, server);
        } catch (IOException | RuntimeException e) {
            BenchSupport.deleteRecursively(dir);
            throw e;
        }
    }

    public String backend() {
        return backend;
    }

    /** The trial's directory, below which the server keeps its bytes. */
    public Path dir() {
        return dir;
    }

    /** The URI of a fresh store or log called {@code name}; each call gives a new location. */
    public URI uri(String name) {
        return server.uri(name + "-" + names.incrementAndGet());
    }

    /** The options that reach the server, then {@code extra} (which win). */
    public Map<String, String> options(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(server.options());
        all.putAll(extra);
        return Map.copyOf(all);
    }

    /** The options that reach the server. */
    public Map<String, String> options() {
        return options(Map.of());
    }

    /**
     * Closes this fixture after {@code failure} of a set-up step (JMH calls no tear-down then); a
     * failure to close is added to {@code failure}, which the caller throws.
     */
    public void closeAfter(Exception failure) {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Stops the server and deletes the trial's directory. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            BenchSupport.deleteRecursively(dir);
        }
    }

    /** Backends without a server: a directory URI with the backend's scheme. */
    private record DirectoryServer(String scheme, Path dir) implements Server {
        @Override
        public URI uri(String name) {
            return URI.create(scheme + "://" + dir.resolve(name).toUri().getRawPath());
        }

        @Override
        public Map<String, String> options() {
            return Map.of();
        }

        @Override
        public void close() {}
    }
}

package dev.lifeboat.benchmarks.servers;

import com.azure.storage.blob.BlobServiceClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Azure Blob emulator: Azurite's blob service, installed by this module's build into
 * {@code target/azurite} (next to {@code benchmarks.jar}; {@code -Dlifeboat.azurite.dir} points
 * elsewhere), started as a Node.js process on a free loopback port with its disk persistence below
 * the trial's directory, telemetry off, and one container. Append blobs, leases and conditional
 * writes behave as the service documents them (with the deviations docs/backends/azure.md lists);
 * the latency and throughput of a real storage account do not.
 */
final class AzuriteServer implements BackendFixture.Server {
    static final String ACCOUNT = "devstoreaccount1";
    static final String CONTAINER = "lifeboat-bench";
    /** Azurite's published development key (the same on every installation; not a secret). */
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Pattern LISTENING = Pattern.compile("listens on http://127\\.0\\.0\\.1:(\\d+)");
    private static final long START_TIMEOUT_SECONDS = 180;

    private final Process process;
    private final URI endpoint;

    private AzuriteServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static AzuriteServer start(Path dir) throws IOException {
        Path main = installation().resolve("node_modules/azurite/dist/src/blob/main.js");
        if (!Files.exists(main)) {
            throw new IOException("Azurite is not installed at " + main + ": the benchmarks' build installs it"
                    + " (./mvnw -pl benchmarks -am package, with node and npm on PATH), or set"
                    + " -Dlifeboat.azurite.dir to a folder holding node_modules/azurite");
        }
        Path location = Files.createDirectories(dir.resolve("azurite"));
        ProcessBuilder pb = new ProcessBuilder(
                        "node",
                        main.toString(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        "0",
                        "--location",
                        location.toString(),
                        "--disableTelemetry",
                        "--silent")
                .directory(location.toFile())
                .redirectErrorStream(true);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start Azurite: Node.js ('node') is not on PATH", e);
        }
        BlockingQueue<Integer> ports = new ArrayBlockingQueue<>(1);
        @SuppressWarnings("JdkObsolete") // appended by the reader thread, read here: its locking is wanted
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (output.length() < 16 * 1024) {
                                output.append(line).append('\n');
                            }
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                ports.offer(Integer.parseInt(m.group(1)));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "azurite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            Integer port = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (port == null && process.isAlive() && System.nanoTime() < deadline) {
                port = ports.poll(100, TimeUnit.MILLISECONDS);
            }
            if (port == null) {
                throw new IOException("Azurite did not report its port within " + START_TIMEOUT_SECONDS
                        + " s (or exited); its output:\n" + output);
            }
            AzuriteServer server = new AzuriteServer(process, URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT));
            new BlobServiceClientBuilder()
                    .connectionString("DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                            + ";BlobEndpoint=" + server.endpoint + ";")
                    .buildClient()
                    .createBlobContainerIfNotExists(CONTAINER);
            return server;
        } catch (IOException | RuntimeException e) {
            stop(process);
            throw e;
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting Azurite", e);
        }
    }

    /** {@code -Dlifeboat.azurite.dir}, or {@code azurite} next to the benchmarks' jar (or classes folder). */
    private static Path installation() throws IOException {
        String configured = System.getProperty("lifeboat.azurite.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            Path code = Path.of(AzuriteServer.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return code.toAbsolutePath().getParent().resolve("azurite");
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell where the benchmarks run from; set -Dlifeboat.azurite.dir", e);
        }
    }

    @Override
    public URI uri(String name) {
        return URI.create("azblob://" + ACCOUNT + "/" + CONTAINER + "/" + name);
    }

    @Override
    public Map<String, String> options() {
        return Map.of("endpoint", endpoint.toString(), "account-key", KEY);
    }

    @Override
    public void close() throws IOException {
        stop(process);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

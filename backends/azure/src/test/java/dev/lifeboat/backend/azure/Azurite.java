package dev.lifeboat.backend.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Azure Blob emulator for one test class: Azurite's blob service, installed by this
 * module's build into {@code target/azurite} (see {@code src/build/InstallAzurite.java}), started
 * on a free loopback port with in-memory storage and telemetry off, and stopped after the class.
 * Register it as {@code @RegisterExtension static final Azurite AZURITE = new Azurite();}.
 */
public final class Azurite implements BeforeAllCallback, AfterAllCallback {
    static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's published development key (not a secret; the same on every installation). */
    static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static final String CONTAINER = "lifeboat-test";
    private static final Pattern LISTENING = Pattern.compile("listens on http://127\\.0\\.0\\.1:(\\d+)");
    private static final long START_TIMEOUT_SECONDS = 180;

    private Process process;
    private int port;

    @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by others: its locking is wanted
    private final StringBuffer output = new StringBuffer();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts the emulator and creates the test container. */
    public void start() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("lifeboat.azurite.dir", "target/azurite"))
                .toAbsolutePath();
        Path main = dir.resolve("node_modules/azurite/dist/src/blob/main.js");
        if (!Files.exists(main)) {
            throw new IllegalStateException("Azurite is not installed at " + main + ": the build installs it in"
                    + " process-test-resources (./mvnw -pl backends/azure verify), which needs node and npm on PATH");
        }
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        ProcessBuilder pb = new ProcessBuilder(
                        node(),
                        main.toString(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        "0",
                        "--inMemoryPersistence",
                        "--disableTelemetry",
                        "--silent")
                .directory(workspace.toFile())
                .redirectErrorStream(true);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start Azurite: Node.js ('" + node() + "') is not on PATH."
                            + " The tests of backends/azure need Node.js 20 or newer",
                    e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "azurite-stop"));
        BlockingQueue<Integer> ports = new ArrayBlockingQueue<>(1);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (output.length() < 64 * 1024) {
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
        Integer p = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (p == null && process.isAlive() && System.nanoTime() < deadline) {
            p = ports.poll(100, TimeUnit.MILLISECONDS);
        }
        if (p == null) {
            reader.join(1000);
            stop();
            throw new IllegalStateException("Azurite did not report its port within " + START_TIMEOUT_SECONDS
                    + " s (or exited); its output:\n" + output);
        }
        port = p;
        serviceClient().createBlobContainerIfNotExists(CONTAINER);
    }

    private static String node() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows") ? "node.exe" : "node";
    }

    /** Stops the emulator; its in-memory data goes with it. */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public int port() {
        return port;
    }

    /** The blob endpoint of the emulator's account. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    public String connectionString() {
        return connectionString(endpoint());
    }

    /** A connection string for the emulator's account reached at {@code blobEndpoint} (a proxy in front). */
    public static String connectionString(URI blobEndpoint) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + blobEndpoint + ";";
    }

    /** An SDK client for setup and inspection. */
    public BlobServiceClient serviceClient() {
        return new BlobServiceClientBuilder()
                .connectionString(connectionString())
                .buildClient();
    }

    public BlobContainerClient container() {
        return serviceClient().getBlobContainerClient(CONTAINER);
    }

    /** A fresh root in the test container. */
    public URI newRoot() {
        return URI.create("azblob://" + ACCOUNT + "/" + CONTAINER + "/" + UUID.randomUUID());
    }

    /** The options a store needs to reach the emulator directly, with the account key. */
    public Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("endpoint", endpoint().toString());
        o.put("account-key", KEY);
        o.put("max-attempts", "5");
        return o;
    }

    /** What the emulator printed so far, for failure messages. */
    public String output() {
        return output.toString();
    }

    /** The process, for tests that need to know it runs. */
    public Optional<Process> process() {
        return Optional.ofNullable(process);
    }

    /** For tests that list what the container holds. */
    public List<String> blobNames(String prefix) {
        return container()
                .listBlobs(new com.azure.storage.blob.models.ListBlobsOptions().setPrefix(prefix), null)
                .stream()
                .map(b -> b.getName())
                .toList();
    }
}

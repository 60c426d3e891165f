package dev.lifeboat.benchmarks.servers;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3-compatible server in this JVM: S3Proxy with its file-system blob store below the trial's
 * directory (so objects land on the disk the raw baselines use), AWS V2/V4 authentication, a free
 * loopback port and one bucket. Conditional writes and multipart uploads behave as on AWS; the
 * latency and throughput of a real region do not.
 */
final class S3Server implements BackendFixture.Server {
    static final String BUCKET = "lifeboat-bench";
    private static final String ACCESS_KEY = "bench-access";
    private static final String SECRET_KEY = "bench-secret";

    private final S3Proxy proxy;
    private final URI endpoint;

    private S3Server(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    static S3Server start(Path dir) throws IOException {
        Path base = Files.createDirectories(dir.resolve("s3proxy"));
        // The file-system store keeps a bucket as a folder of its base directory.
        Files.createDirectories(base.resolve(BUCKET));
        Properties properties = new Properties();
        properties.setProperty(
                "jclouds.filesystem.basedir", base.toAbsolutePath().toString());
        BlobStore blobStore = BlobStores.create("filesystem", properties);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("S3Proxy did not start within 30 s: " + proxy.getState());
                }
                Thread.sleep(10);
            }
            return new S3Server(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
        } catch (Exception e) {
            try {
                proxy.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? io : new IOException("S3Proxy did not start: " + e, e);
        }
    }

    @Override
    public URI uri(String name) {
        return URI.create("s3://" + BUCKET + "/" + name);
    }

    @Override
    public Map<String, String> options() {
        return Map.of(
                "endpoint",
                endpoint.toString(),
                "path-style",
                "true",
                "region",
                "us-east-1",
                "access-key",
                ACCESS_KEY,
                "secret-key",
                SECRET_KEY);
    }

    @Override
    public void close() throws IOException {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IOException("S3Proxy did not stop", e);
        }
    }
}

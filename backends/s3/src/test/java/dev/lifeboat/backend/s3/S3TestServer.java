package dev.lifeboat.backend.s3;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * A real S3-compatible server for one test class: S3Proxy with its in-memory ("transient") blob
 * store, AWS V2/V4 authentication, on a free loopback port, with one bucket.
 */
final class S3TestServer implements AutoCloseable {
    static final String BUCKET = "lifeboat-test";
    static final String ACCESS_KEY = "lifeboat-test-access";
    static final String SECRET_KEY = "lifeboat-test-secret-do-not-log";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;

    private S3TestServer(S3Proxy proxy, BlobStore blobStore, URI endpoint) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
    }

    static S3TestServer start() throws Exception {
        BlobStore blobStore = BlobStores.create("transient", new Properties());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        S3TestServer server = new S3TestServer(proxy, blobStore, endpoint);
        try (S3Client client = server.client(endpoint)) {
            client.createBucket(b -> b.bucket(BUCKET));
        }
        return server;
    }

    URI endpoint() {
        return endpoint;
    }

    /** An SDK client for setup and inspection, pointed at {@code endpoint} (the server or a proxy in front). */
    S3Client client(URI at) {
        return S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(at)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** A fresh root in the bucket. */
    URI newRoot() {
        return URI.create("s3://" + BUCKET + "/" + UUID.randomUUID());
    }

    /**
     * The options a store needs to reach this server directly. Five attempts per call rather than
     * three: the kit's child JVMs and several builds share two loaded cores, and a connection the
     * machine drops now and then must not fail a test about something else.
     */
    Map<String, String> options() {
        Map<String, String> o = options(endpoint);
        o.put("max-attempts", "5");
        return o;
    }

    /** The options a store needs to reach this server at {@code at} (a fault proxy in front of it). */
    Map<String, String> options(URI at) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("endpoint", at.toString());
        o.put("path-style", "true");
        o.put("region", "us-east-1");
        o.put("access-key", ACCESS_KEY);
        o.put("secret-key", SECRET_KEY);
        return o;
    }

    /** Removes every object, so a test class's data does not pile up in memory. */
    void clear() {
        blobStore.clearContainer(ListObjectsV2Request.builder().bucket(BUCKET).build());
    }

    @Override
    public void close() throws java.io.IOException {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new java.io.IOException("S3Proxy did not stop", e);
        }
    }
}

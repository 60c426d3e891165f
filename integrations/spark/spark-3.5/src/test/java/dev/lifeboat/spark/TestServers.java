package dev.lifeboat.spark;

import dev.lifeboat.spark.test.ServerJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real servers of the Spark tests, each in its own JVM ({@link ServerJvm}) started from the
 * class path that the test-servers modules recorded: S3Proxy's Jackson and Jetty, and
 * MiniDFSCluster's Hadoop, cannot share a class path with Spark 3.5.
 */
final class TestServers {
    /** Short-lived servers: a quick JIT and a small collector start them sooner. */
    private static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private TestServers() {}

    /** An S3Proxy server (file system blob store) with one bucket. */
    static final class S3 implements AutoCloseable {
        static final String BUCKET = "lifeboat-spark";
        static final String ACCESS_KEY = "lifeboat-spark-access";
        static final String SECRET_KEY = "lifeboat-spark-secret";

        private final ServerJvm server;
        final URI endpoint;

        private S3(ServerJvm server) {
            this.server = server;
            this.endpoint = server.uri();
        }

        static S3 start(Path dir) throws IOException, InterruptedException {
            S3 s3 = new S3(ServerJvm.s3Proxy(dir, ACCESS_KEY, SECRET_KEY, List.of(), JVM_FLAGS));
            try (S3Client client = s3.client()) {
                client.createBucket(b -> b.bucket(BUCKET));
            } catch (RuntimeException e) {
                s3.close();
                throw e;
            }
            return s3;
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
            server.close();
        }
    }

    /** A MiniDFSCluster with one data node. */
    static final class Hdfs implements AutoCloseable {
        private final ServerJvm server;
        final URI uri;

        private Hdfs(ServerJvm server) {
            this.server = server;
            this.uri = server.uri();
        }

        static Hdfs start(Path dir) throws IOException, InterruptedException {
            return new Hdfs(ServerJvm.miniDfs(dir, JVM_FLAGS));
        }

        @Override
        public void close() {
            server.close();
        }
    }
}

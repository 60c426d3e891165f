package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.internal.FaultProxy;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The command on real servers, started here and shared by the class: HDFS (MiniDFSCluster), S3
 * (S3Proxy) and ZooKeeper (Curator's TestingServer). Each test names its stores by URI with the
 * options a user would pass; the kit runs one contract per server (each backend's module runs the
 * whole kit).
 */
class BackendServersTest {
    private static final String BUCKET = "lifeboat-cli";
    private static final String ACCESS = "cli-access";
    private static final String SECRET = "cli-secret";

    private static MiniDFSCluster hdfs;
    private static S3Proxy s3;
    private static URI s3Endpoint;
    /** In front of S3Proxy for the kit: see {@link #tckRunsTheCheckpointContractOnS3}. */
    private static FaultProxy atomicConditions;

    private static TestingServer zk;

    @BeforeAll
    static void startServers() throws Exception {
        File base = new File(System.getProperty("java.io.tmpdir"), "cli-minidfs-" + UUID.randomUUID());
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
        conf.setInt("dfs.replication", 1);
        conf.setInt("dfs.heartbeat.interval", 1);
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();

        BlobStore blobs = BlobStores.create("transient", new Properties());
        s3 = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        s3.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(s3.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + s3.getState());
            }
            Thread.sleep(10);
        }
        s3Endpoint = URI.create("http://127.0.0.1:" + s3.getPort());
        try (S3Client client = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(s3Endpoint)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .build()) {
            client.createBucket(b -> b.bucket(BUCKET));
        }

        zk = new TestingServer(true);
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (zk != null) {
            zk.close();
        }
        if (atomicConditions != null) {
            atomicConditions.close();
        }
        if (s3 != null) {
            s3.stop();
        }
        if (hdfs != null) {
            hdfs.shutdown(true);
        }
    }

    private static synchronized FaultProxy atomicConditions() throws IOException {
        if (atomicConditions == null) {
            atomicConditions = new FaultProxy(s3Endpoint.getPort());
        }
        return atomicConditions;
    }

    private static String hdfs(String path) {
        return hdfs.getURI() + "/" + path;
    }

    private static String zk(String path) {
        return "zk://" + zk.getConnectString() + "/" + path;
    }

    private static List<String> s3Options(URI endpoint) {
        return List.of(
                "--option", "endpoint=" + endpoint,
                "--option", "path-style=true",
                "--option", "region=us-east-1",
                "--option", "access-key=" + ACCESS,
                "--option", "secret-key=" + SECRET);
    }

    @SafeVarargs
    private static String[] args(List<String> first, List<String>... more) {
        List<String> all = new ArrayList<>(first);
        for (List<String> m : more) {
            all.addAll(m);
        }
        return all.toArray(String[]::new);
    }

    @Test
    void batchDemoRunsOnHdfsShuffleAndS3Checkpoints() {
        Cli.Run run = Cli.run(args(
                List.of(
                        "demo",
                        "--lines",
                        "1000",
                        "--shuffle-store",
                        hdfs("shuffle"),
                        "--checkpoint-store",
                        "s3://" + BUCKET + "/checkpoints",
                        "--option",
                        "hadoop.dfs.replication=1"),
                s3Options(s3Endpoint)));
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .contains("shuffle store " + hdfs("shuffle/demo-"))
                .contains("checkpoint store s3://" + BUCKET + "/checkpoints/demo-")
                .contains("RESULT: identical to the fault-free run");
    }

    @Test
    void streamingDemoRunsOnAnS3WalHdfsCheckpointsAndZooKeeperElectionThenInspectReadsTheWal() {
        Cli.Run run = Cli.run(args(
                List.of(
                        "demo",
                        "streaming",
                        "--wal",
                        "s3://" + BUCKET + "/wal",
                        "--checkpoint-store",
                        hdfs("streaming"),
                        "--election",
                        zk("lifeboat/demo"),
                        "--option",
                        "lease-duration=2s",
                        "--option",
                        "renew-interval=250ms",
                        "--option",
                        "session-timeout=3s",
                        "--option",
                        "hadoop.dfs.replication=1"),
                s3Options(s3Endpoint)));
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("RESULT: exactly-once counts verified");

        Matcher wal = Pattern.compile("wal: (s3://\\S+)").matcher(run.out());
        assertThat(wal.find()).as(run.out()).isTrue();
        Cli.Run inspect = Cli.run(args(List.of("inspect", "--kind", "wal", wal.group(1)), s3Options(s3Endpoint)));
        assertThat(inspect.exit()).as(inspect.out()).isZero();
        // The query truncates the log behind each checkpoint: what is left ends at the last record.
        assertThat(inspect.out())
                .containsPattern(
                        "records: [1-9][0-9]* \\([0-9]+ payload bytes\\), LSN [0-9]+\\.\\.399, checksums verified")
                .contains("OK: no damage found");
    }

    @Test
    void inspectReadsCheckpointsOnHdfs() {
        Cli.Run demo = Cli.run("demo", "streaming", "--checkpoint-store", hdfs("inspected"));
        assertThat(demo.exit()).as(demo.out()).isZero();
        Matcher cp = Pattern.compile("checkpoint: (hdfs://\\S+)").matcher(demo.out());
        assertThat(cp.find()).as(demo.out()).isTrue();
        Cli.Run inspect = Cli.run("inspect", "--kind", "checkpoints", cp.group(1));
        assertThat(inspect.exit()).as(inspect.out()).isZero();
        assertThat(inspect.out()).containsPattern("checkpoints: [1-9]").contains("OK: no damage found");
    }

    @Test
    void tckRunsTheShuffleContractOnHdfs() {
        Cli.Run run = Cli.run("tck", hdfs("kit"), "--contract", "shuffle", "--option", "hadoop.dfs.replication=1");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .containsPattern("shuffle block store +[1-9][0-9]* +[0-9]+ +0 +dev.lifeboat.backend.hadoop")
                .contains("RESULT: no failures");
    }

    /**
     * Through the kit's {@link FaultProxy}, without faults, as the S3 backend's own kit runs: S3Proxy
     * checks a conditional PUT's condition when its headers arrive and writes once its body has, so
     * a writer paused in between (the kit's {@code SIGSTOP} test) has its PUT applied over a newer
     * object, which S3 never does. The proxy forwards conditional PUTs whole and one at a time.
     */
    @Test
    void tckRunsTheCheckpointContractOnS3() throws Exception {
        Cli.Run run = Cli.run(args(
                List.of(
                        "tck",
                        "s3://" + BUCKET + "/kit",
                        "--contract",
                        "checkpoint",
                        "--tests",
                        "(?!.*[Ss]igkill|.*[Cc]rash|quarterGibibyte).*"),
                s3Options(atomicConditions().endpoint())));
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .containsPattern("checkpoint store +[1-9][0-9]* +[0-9]+ +0 +dev.lifeboat.backend.s3")
                .contains("RESULT: no failures");
    }

    /** The kit's section of docs/capabilities.md for HDFS: see {@link KitSections#listedSkips}. */
    @Test
    void capabilityMatrixOfHdfs() {
        KitSections.listedSkips(
                "hdfs",
                "`hdfs:` on MiniDFSCluster (one data node)",
                URI.create(hdfs("matrix")),
                Map.of("hadoop.dfs.replication", "1"));
    }

    @Test
    void capabilityMatrixOfS3() throws Exception {
        KitSections.listedSkips(
                "s3",
                "`s3:` on S3Proxy (in memory), through the kit's atomic-conditions proxy",
                URI.create("s3://" + BUCKET + "/matrix"),
                Map.of(
                        "endpoint",
                        atomicConditions().endpoint().toString(),
                        "path-style",
                        "true",
                        "region",
                        "us-east-1",
                        "access-key",
                        ACCESS,
                        "secret-key",
                        SECRET));
    }

    @Test
    void capabilityMatrixOfZooKeeper() {
        KitSections.listedSkips(
                "zookeeper",
                "`zk:` on Curator's TestingServer",
                URI.create(zk("lifeboat/matrix")),
                Map.of("session-timeout", "3s", "connection-timeout", "3s"));
    }

    @Test
    void tckRunsTheElectionContractOnZooKeeper() {
        Cli.Run run = Cli.run(
                "tck",
                zk("lifeboat/kit"),
                "--contract",
                "election",
                "--option",
                "session-timeout=3s",
                "--option",
                "connection-timeout=3s");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .containsPattern("leader election +[1-9][0-9]* +[0-9]+ +0 +dev.lifeboat.backend.zookeeper")
                .contains("RESULT: no failures");
    }

    @Test
    void unreachableServersAreNamedAndTheDemoStops() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        Cli.Run batch = Cli.run(args(
                List.of("demo", "--shuffle-store", "s3://" + BUCKET + "/nowhere", "--option", "max-attempts=1"),
                s3Options(URI.create("http://127.0.0.1:" + port))));
        assertThat(batch.exit()).isEqualTo(1);
        assertThat(batch.out()).contains("cannot reach the shuffle store at s3://" + BUCKET + "/nowhere/demo-");

        Cli.Run streaming = Cli.run(
                "demo",
                "streaming",
                "--election",
                "zk://127.0.0.1:" + port + "/lifeboat/x",
                "--option",
                "connection-timeout=2s",
                "--option",
                "session-timeout=2s");
        assertThat(streaming.exit()).isEqualTo(1);
        assertThat(streaming.out())
                .contains("cannot reach the leader election at zk://127.0.0.1:" + port + "/lifeboat/x/demo-");
    }
}

package dev.lifeboat.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spark.internal.ShuffleSettings;
import java.net.URI;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The Lifeboat shuffle on S3 (S3Proxy), and what it costs in requests. */
class S3ShuffleTest extends ShuffleSuite {
    private TestServers.S3 server;

    @Override
    URI store() throws Exception {
        if (server == null) {
            server = TestServers.S3.start(Files.createTempDirectory("lifeboat-spark-shuffle-s3"));
        }
        return URI.create("s3://" + TestServers.S3.BUCKET + "/shuffle");
    }

    @Override
    Map<String, String> conf() {
        Map<String, String> conf = new LinkedHashMap<>();
        String p = ShuffleSettings.OPTION_PREFIX;
        conf.put(p + "endpoint", server.endpoint.toString());
        conf.put(p + "path-style", "true");
        conf.put(p + "region", "us-east-1");
        conf.put(p + "access-key", TestServers.S3.ACCESS_KEY);
        conf.put(p + "secret-key", TestServers.S3.SECRET_KEY);
        return conf;
    }

    @Override
    boolean outlivesExecutor() {
        return true;
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(8)
    void aMapOutputCostsTwoPutsAndAReducerOneRangedGetPerNonEmptyBlock() throws Exception {
        int reducers = 8;
        // Keys 0..6 modulo 8: reduce partition 7 is empty in every map output.
        JavaPairRDD<Integer, Integer> pairs = sc.parallelizePairs(
                        java.util.stream.IntStream.range(0, 4000)
                                .mapToObj(i -> new Tuple2<>((i % 7) + 8 * (i % 5), i))
                                .collect(java.util.stream.Collectors.toList()),
                        MAPS)
                .partitionBy(new HashPartitioner(reducers));
        @SuppressWarnings("unchecked")
        ShuffleDependency<Integer, Integer, Integer> dep = (ShuffleDependency<Integer, Integer, Integer>)
                pairs.rdd().dependencies().head();

        // Only this shuffle's requests: Spark's context cleaner may remove earlier shuffles meanwhile.
        String folder = "/shuffle/" + dep.shuffleId() + "/";
        S3RequestLog.reset();
        sc.sc().submitMapStage(dep).get();
        List<S3RequestLog.Request> mapRequests = S3RequestLog.requests().stream()
                .filter(r -> r.path().contains(folder))
                .toList();
        // Objects written, not requests: on a loaded machine the SDK may resend a PUT whose
        // attempt outlived its deadline, which S3Proxy then sees twice.
        assertThat(mapRequests.stream()
                        .filter(r -> r.is("PUT"))
                        .map(S3RequestLog.Request::path)
                        .distinct()
                        .count())
                .as("objects PUT for %s map outputs of %s partitions: %s", MAPS, reducers, mapRequests)
                .isEqualTo(2L * MAPS);
        assertThat(mapRequests.stream()
                        .filter(r -> r.is("PUT") && r.ifNoneMatch())
                        .map(S3RequestLog.Request::path)
                        .distinct()
                        .count())
                .as("objects PUT conditionally (the indexes)")
                .isEqualTo(MAPS);

        S3RequestLog.reset();
        assertThat(pairs.count()).isEqualTo(4000);
        List<S3RequestLog.Request> readRequests = S3RequestLog.requests().stream()
                .filter(r -> r.path().contains(folder))
                .toList();
        long nonEmptyBlocks = MAPS * (reducers - 1L);
        assertThat(readRequests.stream()
                        .filter(r -> r.is("GET") && r.path().endsWith(".data"))
                        .count())
                .as("data GETs: %s", readRequests)
                .isEqualTo(nonEmptyBlocks);
        assertThat(readRequests.stream()
                        .filter(r -> r.is("PUT") || r.is("DELETE"))
                        .count())
                .as("writes while reading")
                .isZero();
        assertThat(readRequests.stream()
                        .filter(r -> !r.is("GET") && !r.is("HEAD"))
                        .count())
                .as("other requests: %s", readRequests)
                .isZero();
        assertThat(readRequests.stream().filter(r -> r.is("HEAD")).count())
                .as("HEADs (a map output's length is checked once per store, or once per reduce task"
                        + " reading it at the same time: local[2] runs two)")
                .isLessThanOrEqualTo(2L * MAPS);
    }
}

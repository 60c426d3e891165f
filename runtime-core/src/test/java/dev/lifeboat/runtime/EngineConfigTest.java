package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.runtime.serializer.LifeboatSerializer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreSparksWhereTheMeaningIsTheSame() {
        EngineConfig c = EngineConfig.defaults();

        assertThat(c.taskMaxFailures()).isEqualTo(4);
        assertThat(c.stageMaxConsecutiveAttempts()).isEqualTo(4);
        assertThat(c.speculation()).isFalse();
        assertThat(c.speculationQuantile()).isEqualTo(0.75);
        assertThat(c.speculationMultiplier()).isEqualTo(1.5);
        assertThat(c.speculationInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.speculationMinTaskRuntime()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.shuffleCompress()).isTrue();
        assertThat(c.serializer()).isInstanceOf(LifeboatSerializer.class);
        assertThat(c.executorInstances()).isEqualTo(2);
        assertThat(c.defaultParallelism()).isEqualTo(2);
        assertThat(c.heartbeatInterval()).isLessThan(c.networkTimeout());
        assertThat(c.checkpointDir()).isEmpty();
        assertThat(EngineConfig.options())
                .extracting(o -> o.key())
                .contains(
                        "lifeboat.task.maxFailures",
                        "lifeboat.speculation.quantile",
                        "lifeboat.network.timeout",
                        "lifeboat.executor.heartbeatInterval");
    }

    @Test
    void valuesAreParsed() {
        EngineConfig c = EngineConfig.builder()
                .set(EngineConfig.TASK_MAX_FAILURES, 8)
                .set(EngineConfig.SPECULATION, "TRUE")
                .set(EngineConfig.SPECULATION_QUANTILE, "0.5")
                .set(EngineConfig.NETWORK_TIMEOUT, "2m")
                .set(EngineConfig.HEARTBEAT_INTERVAL, "250")
                .set(EngineConfig.CHECKPOINT_DIR, "file:///var/lib/cp")
                .set("lifeboat.checkpoint.option.durability", "sync")
                .set("lifeboat.shuffle.store.option.x", "y")
                .nonRetryable(IllegalStateException.class, OutOfMemoryError.class)
                .build();

        assertThat(c.taskMaxFailures()).isEqualTo(8);
        assertThat(c.speculation()).isTrue();
        assertThat(c.speculationQuantile()).isEqualTo(0.5);
        assertThat(c.networkTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.checkpointDir()).contains(URI.create("file:///var/lib/cp"));
        assertThat(c.checkpointOptions()).isEqualTo(Map.of("durability", "sync"));
        assertThat(c.shuffleStoreOptions()).isEqualTo(Map.of("x", "y"));
        assertThat(c.nonRetryableExceptions()).containsExactly(IllegalStateException.class, OutOfMemoryError.class);
        assertThat(EngineConfig.fromMap(c.asMap()).asMap()).isEqualTo(c.asMap());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        assertThatThrownBy(() -> EngineConfig.fromMap(Map.of(
                        EngineConfig.TASK_MAX_FAILURES,
                        "0",
                        EngineConfig.SPECULATION,
                        "yes",
                        EngineConfig.SPECULATION_QUANTILE,
                        "1.5",
                        EngineConfig.NETWORK_TIMEOUT,
                        "soon",
                        EngineConfig.SERIALIZER,
                        "com.example.Missing",
                        EngineConfig.NON_RETRYABLE_EXCEPTIONS,
                        "java.lang.String",
                        EngineConfig.SHUFFLE_STORE,
                        "no-scheme",
                        "lifeboat.task.maxFailure",
                        "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid engine configuration: ")
                .hasMessageContaining("'lifeboat.task.maxFailures' = '0' must be between 1 and 1000")
                .hasMessageContaining("'lifeboat.speculation' = 'yes' must be true or false")
                .hasMessageContaining(
                        "'lifeboat.speculation.quantile' = '1.5' must be greater than 0.0 and at most 1.0")
                .hasMessageContaining("'lifeboat.network.timeout' = 'soon' must be a duration")
                .hasMessageContaining("'lifeboat.serializer' = 'com.example.Missing' is not a class on the class path")
                .hasMessageContaining("'java.lang.String' is not a Throwable")
                .hasMessageContaining("'lifeboat.shuffle.store' = 'no-scheme' must be a URI with a scheme")
                .hasMessageContaining("unknown key 'lifeboat.task.maxFailure'")
                .hasMessageContaining("Accepted keys: [lifeboat.app.name");
    }

    @Test
    void theNetworkTimeoutMustExceedTheHeartbeatInterval() {
        assertThatThrownBy(() -> EngineConfig.builder()
                        .set(EngineConfig.HEARTBEAT_INTERVAL, "10s")
                        .set(EngineConfig.NETWORK_TIMEOUT, "5s")
                        .build())
                .hasMessageContaining(
                        "'lifeboat.network.timeout' = '5s' must be greater than lifeboat.executor.heartbeatInterval");
    }

    @Test
    void anUnknownStoreSchemeFailsAtStartNamingIt() {
        EngineConfig c = EngineConfig.builder()
                .set(EngineConfig.LOCAL_DIR, dir)
                .set(EngineConfig.SHUFFLE_STORE, "nosuchscheme:///x")
                .build();

        assertThatThrownBy(() -> Engine.start(c)).hasMessageContaining("nosuchscheme");
    }

    @Test
    void anEngineStartsItsExecutorsAndStopsThemOnClose() throws Exception {
        EventLog log = new EventLog();
        Engine engine = Engine.start(
                EngineConfig.builder()
                        .set(EngineConfig.LOCAL_DIR, dir)
                        .set(EngineConfig.EXECUTOR_INSTANCES, 3)
                        .build(),
                log);
        assertThat(engine.liveExecutors()).containsExactly(0, 1, 2);
        engine.close();
        assertThat(engine.liveExecutors()).isEmpty();
        assertThatThrownBy(() -> engine.parallelize(List.of(1)).count()).isInstanceOf(IllegalStateException.class);
    }
}

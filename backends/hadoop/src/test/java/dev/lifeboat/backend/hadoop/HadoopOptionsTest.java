package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.OptionSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopOptionsTest {
    @TempDir
    Path dir;

    @Test
    void everyProviderAcceptsHadoopPrefixedKeysAndConfDir() {
        for (var provider : java.util.List.of(
                new HadoopWriteAheadLogProvider(),
                new HadoopCheckpointStoreProvider(),
                new HadoopShuffleBlockStoreProvider(),
                new HadoopFsWriteAheadLogProvider(),
                new HadoopFsCheckpointStoreProvider(),
                new HadoopFsShuffleBlockStoreProvider())) {
            assertThat(provider.options().stream().anyMatch(s -> s.accepts("hadoop.dfs.replication")))
                    .as("%s accepts hadoop.*", provider.getClass().getSimpleName())
                    .isTrue();
            assertThat(provider.options().stream().map(OptionSpec::key)).contains("conf-dir");
        }
        assertThat(new HadoopWriteAheadLogProvider().scheme()).isEqualTo("hdfs");
        assertThat(new HadoopFsWriteAheadLogProvider().scheme()).isEqualTo("hadoop");
    }

    @Test
    void badWalOptionsAreAllNamedAtOnce() {
        URI root = URI.create("hadoop:" + dir.resolve("wal").toUri());
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(
                                root,
                                Map.of(
                                        "writer-lock.heartbeat-interval",
                                        "5s",
                                        "writer-lock.takeover-after",
                                        "6s",
                                        "segment-roll-interval",
                                        "soon"))
                        .close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writer-lock.takeover-after")
                .hasMessageContaining("twice")
                .hasMessageContaining("soon");
    }
}

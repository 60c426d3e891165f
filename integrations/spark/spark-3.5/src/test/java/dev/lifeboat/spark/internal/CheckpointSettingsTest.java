package dev.lifeboat.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The store derived from a checkpoint root on Azure: {@code abfs(s):} and {@code wasb(s):} map to {@code azblob:}. */
class CheckpointSettingsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "abfss://data@myaccount.dfs.core.windows.net/streams, azblob://myaccount/data/streams/_lifeboat",
        "abfs://data@myaccount.dfs.core.windows.net/streams/, azblob://myaccount/data/streams/_lifeboat",
        "wasbs://data@myaccount.blob.core.windows.net/a/b, azblob://myaccount/data/a/b/_lifeboat",
        "wasb://data@myaccount.blob.core.windows.net/, azblob://myaccount/data/_lifeboat",
    })
    void azureRootsDeriveAnAzblobStore(String root, String store) {
        Configuration conf = new Configuration(false);
        conf.set(CheckpointSettings.ROOT, root);
        CheckpointSettings s = CheckpointSettings.of(new Path(root + "/query-1/offsets/0"), conf);
        assertThat(s.store()).isEqualTo(URI.create(store));
    }

    @Test
    void azureRootWithoutAContainerIsRefusedNamingIt() {
        Configuration conf = new Configuration(false);
        conf.set(CheckpointSettings.ROOT, "abfss://myaccount.dfs.core.windows.net/streams");
        assertThatThrownBy(
                        () -> CheckpointSettings.of(new Path("abfss://myaccount.dfs.core.windows.net/streams/q"), conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("abfss://myaccount.dfs.core.windows.net/streams")
                .hasMessageContaining("container@account")
                .hasMessageContaining(CheckpointSettings.STORE);
    }
}

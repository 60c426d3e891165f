package dev.lifeboat.backend.hadoop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopLocationTest {
    @TempDir
    Path dir;

    @Test
    void hdfsUrisKeepTheirAuthorityAndPath() {
        HadoopLocation l = HadoopLocation.parse("hdfs", URI.create("hdfs://nn.example:8020/app/wal/"), Map.of());
        assertThat(l.fsUri()).isEqualTo(URI.create("hdfs://nn.example:8020/"));
        assertThat(l.root().toString()).isEqualTo("/app/wal");
        HadoopLocation noAuthority = HadoopLocation.parse("hdfs", URI.create("hdfs:///app/wal"), Map.of());
        assertThat(noAuthority.fsUri()).as("authority from fs.defaultFS").isEqualTo(URI.create("hdfs:///"));
    }

    @Test
    void hadoopUrisWrapAnyHadoopUri() {
        HadoopLocation l = HadoopLocation.parse("hadoop", URI.create("hadoop:file:///var/lib/wal"), Map.of());
        assertThat(l.fsUri()).isEqualTo(URI.create("file:///"));
        assertThat(l.root().toString()).isEqualTo("/var/lib/wal");
        HadoopLocation viewfs = HadoopLocation.parse("hadoop", URI.create("hadoop:viewfs://cluster/a/b"), Map.of());
        assertThat(viewfs.fsUri()).isEqualTo(URI.create("viewfs://cluster/"));
        assertThat(viewfs.toString()).isEqualTo("hadoop:viewfs://cluster/a/b");
    }

    @Test
    void badUrisAreRejectedNamingTheUri() {
        assertThatThrownBy(() -> HadoopLocation.parse("hadoop", URI.create("hadoop://host/path"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hadoop://host/path")
                .hasMessageContaining("hadoop:file://");
        assertThatThrownBy(() -> HadoopLocation.parse("hadoop", URI.create("hadoop:relative/path"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HadoopLocation.parse("hadoop", URI.create("hadoop:hadoop:file:///x"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HadoopLocation.parse("hdfs", URI.create("hdfs://nn:8020/"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> HadoopLocation.parse("hdfs", URI.create("hdfs://nn:8020/a?x=1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query");
        assertThatThrownBy(() -> HadoopLocation.parse("hdfs", URI.create("s3://bucket/a"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configurationLayersConfDirThenHadoopPrefixedOptions() throws IOException {
        Files.writeString(dir.resolve("core-site.xml"), """
                <?xml version="1.0"?>
                <configuration>
                  <property><name>lifeboat.test.a</name><value>from-core-site</value></property>
                  <property><name>lifeboat.test.b</name><value>from-core-site</value></property>
                </configuration>
                """);
        Files.writeString(dir.resolve("hdfs-site.xml"), """
                <?xml version="1.0"?>
                <configuration>
                  <property><name>dfs.replication</name><value>7</value></property>
                </configuration>
                """);
        var conf = HadoopLocation.configuration(Map.of(
                "conf-dir",
                dir.toString(),
                "hadoop.lifeboat.test.b",
                "from-option",
                "hadoop.hadoop.security.authentication",
                "simple"));
        assertThat(conf.get("lifeboat.test.a")).isEqualTo("from-core-site");
        assertThat(conf.get("lifeboat.test.b")).as("hadoop.<key> options win").isEqualTo("from-option");
        assertThat(conf.get("dfs.replication")).isEqualTo("7");
        assertThat(conf.get("hadoop.security.authentication"))
                .as("the prefix is stripped once")
                .isEqualTo("simple");
        assertThatThrownBy(() -> HadoopLocation.configuration(
                        Map.of("conf-dir", dir.resolve("missing").toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
    }
}

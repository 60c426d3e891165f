package dev.lifeboat.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spark.internal.ShuffleSettings;
import java.net.URI;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the Lifeboat shuffle refuses at start, and how it names the store of an application. */
class ShuffleSettingsTest {
    static SparkConf valid() {
        return new SparkConf(false)
                .set("spark.shuffle.manager", LifeboatShuffleManager.class.getName())
                .set("spark.shuffle.sort.io.plugin.class", LifeboatShuffleDataIO.class.getName())
                .set(ShuffleSettings.STORE, "s3://bucket/shuffle/")
                .set(ShuffleSettings.OPTION_PREFIX + "region", "eu-west-1");
    }

    @Test
    void readsTheStoreAndItsOptions() {
        ShuffleSettings settings = ShuffleSettings.of(valid());
        assertThat(settings.store()).isEqualTo(URI.create("s3://bucket/shuffle/"));
        assertThat(settings.options()).isEqualTo(Map.of("region", "eu-west-1"));
        assertThat(settings.applicationStore("app-20260101-0001"))
                .isEqualTo(URI.create("s3://bucket/shuffle/app-20260101-0001"));
        assertThatThrownBy(() -> settings.applicationStore("../x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../x'");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "spark.shuffle.push.enabled",
                "spark.shuffle.service.enabled",
                "spark.storage.decommission.shuffleBlocks.enabled",
                "spark.shuffle.useOldFetchProtocol"
            })
    void refusesWhatTheStoreCannotHonourNamingTheSetting(String key) {
        SparkConf conf = valid().set(key, "true");
        assertThatThrownBy(() -> new LifeboatShuffleManager(conf, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key + "=true");
        assertThatThrownBy(() -> new LifeboatShuffleDataIO(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key + "=true");
        assertThat(new LifeboatShuffleDataIO(valid().set(key, "false"))).isNotNull();
    }

    @Test
    void refusesAMissingHalfOrStore() {
        assertThatThrownBy(() -> ShuffleSettings.of(valid().remove("spark.shuffle.sort.io.plugin.class")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spark.shuffle.sort.io.plugin.class=(unset)");
        assertThatThrownBy(() -> ShuffleSettings.of(valid().set("spark.shuffle.manager", "sort")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spark.shuffle.manager=sort");
        assertThatThrownBy(() -> ShuffleSettings.of(valid().remove(ShuffleSettings.STORE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ShuffleSettings.STORE + " is not set");
        assertThatThrownBy(() -> ShuffleSettings.of(valid().set(ShuffleSettings.STORE, "no-scheme")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'no-scheme' has no scheme");
    }
}

package dev.lifeboat.spark;

import dev.lifeboat.spark.internal.LifeboatShuffleDriverComponents;
import dev.lifeboat.spark.internal.LifeboatShuffleExecutorComponents;
import dev.lifeboat.spark.internal.ShuffleSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.shuffle.api.ShuffleDataIO;
import org.apache.spark.shuffle.api.ShuffleDriverComponents;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;

/**
 * Where Spark's sort-based shuffle writes map outputs ({@code spark.shuffle.sort.io.plugin.class}):
 * into the Lifeboat shuffle block store named by {@code spark.lifeboat.shuffle.store}. Its driver
 * side declares reliable storage exactly when the store keeps blocks beyond executors. Used
 * together with {@link LifeboatShuffleManager}, which reads the outputs back.
 */
public final class LifeboatShuffleDataIO implements ShuffleDataIO {
    private final ShuffleSettings settings;

    /**
     * Called by Spark.
     *
     * @throws IllegalArgumentException naming a missing, malformed or unsupported setting
     */
    public LifeboatShuffleDataIO(SparkConf conf) {
        this.settings = ShuffleSettings.of(conf);
    }

    @Override
    public ShuffleExecutorComponents executor() {
        return new LifeboatShuffleExecutorComponents(settings);
    }

    @Override
    public ShuffleDriverComponents driver() {
        return new LifeboatShuffleDriverComponents(settings);
    }
}

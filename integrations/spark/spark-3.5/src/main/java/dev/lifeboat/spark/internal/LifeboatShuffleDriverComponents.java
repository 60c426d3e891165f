package dev.lifeboat.spark.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.shuffle.api.ShuffleDriverComponents;

/**
 * The driver's side: tells Spark whether map outputs outlive executors (so a lost executor's
 * finished map tasks are not re-run) and removes a shuffle from a shared store when Spark
 * cleans it up.
 */
public final class LifeboatShuffleDriverComponents implements ShuffleDriverComponents {
    private final ShuffleSettings settings;

    public LifeboatShuffleDriverComponents(ShuffleSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public Map<String, String> initializeApplication() {
        supportsReliableStorage(); // open the store now: a store that cannot open fails the application's start
        return Map.of();
    }

    @Override
    public void cleanupApplication() {
        // Spark removes each shuffle through removeShuffle; the store itself is shared and closed at exit.
    }

    @Override
    public void removeShuffle(int shuffleId, boolean blocking) {
        // As Spark's own driver components do: every block manager hears of it, so that each
        // executor's shuffle manager forgets the shuffle (and removes it from a store of its own).
        SparkEnv.get().blockManager().master().removeShuffle(shuffleId, blocking);
        if (supportsReliableStorage()) { // a shared store: the driver removes the shuffle once
            try {
                SharedShuffleStores.get(settings, appId()).removeShuffle(shuffleId);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove shuffle " + shuffleId + " from " + settings.store(), e);
            }
        }
    }

    @Override
    public boolean supportsReliableStorage() {
        return outlivesExecutor(settings, appId());
    }

    static boolean outlivesExecutor(ShuffleSettings settings, String appId) {
        try {
            return SharedShuffleStores.get(settings, appId)
                    .capabilities()
                    .contains(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shuffle block store " + settings.store(), e);
        }
    }

    static String appId() {
        return SparkEnv.get().conf().getAppId();
    }
}

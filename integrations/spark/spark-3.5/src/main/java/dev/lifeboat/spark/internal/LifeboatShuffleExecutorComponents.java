package dev.lifeboat.spark.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.shuffle.MapOutputId;
import java.io.IOException;
import java.util.Map;
import org.apache.spark.shuffle.api.ShuffleExecutorComponents;
import org.apache.spark.shuffle.api.ShuffleMapOutputWriter;

/** Opens a Lifeboat map output per map task attempt, in the application's folder of the store. */
public final class LifeboatShuffleExecutorComponents implements ShuffleExecutorComponents {
    private final ShuffleSettings settings;
    private volatile String appId;

    public LifeboatShuffleExecutorComponents(ShuffleSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public void initializeExecutor(String appId, String execId, Map<String, String> extraConfigs) {
        this.appId = requireNonNull(appId, "appId");
        settings.applicationStore(appId); // refuse an unusable application id up front
    }

    @Override
    public ShuffleMapOutputWriter createMapOutputWriter(int shuffleId, long mapTaskId, int numPartitions)
            throws IOException {
        String app = appId;
        if (app == null) {
            throw new IllegalStateException("executor components used before initializeExecutor");
        }
        MapOutputId id = ShuffleMapTasks.running(shuffleId, mapTaskId);
        return new LifeboatMapOutputWriter(
                mapTaskId, SharedShuffleStores.get(settings, app).openMapOutput(id, numPartitions), numPartitions);
    }
}

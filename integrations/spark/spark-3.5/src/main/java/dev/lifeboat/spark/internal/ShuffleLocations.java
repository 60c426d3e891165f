package dev.lifeboat.spark.internal;

import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.Base64;
import org.apache.spark.storage.BlockManagerId;
import scala.Option;

/**
 * Carries a Lifeboat map status to reducers inside the {@link BlockManagerId} of Spark's map
 * status (in its topology field, which Spark's map output tracker sends to every reducer
 * unchanged).
 *
 * <p>When the store keeps blocks beyond executors, every map output gets an executor id of its
 * own ({@code lifeboat-<shuffle>-<map>}): Spark unregisters all map outputs of the executor named
 * in a fetch failure, and this makes that exactly the one lost output, while a lost real executor
 * unregisters none. When blocks die with their executor, the real executor id stays, so Spark
 * unregisters the executor's outputs when it is lost, as with its own shuffle.
 */
public final class ShuffleLocations {
    private static final String PREFIX = "lifeboat:";
    private static final String EXECUTOR_PREFIX = "lifeboat-";

    private ShuffleLocations() {}

    /** The location Spark records for {@code status}, written by the executor at {@code writer}. */
    public static BlockManagerId of(MapStatus status, BlockManagerId writer, boolean outlivesExecutor) {
        String topology = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(status.toBytes());
        String executorId = outlivesExecutor
                ? EXECUTOR_PREFIX + status.id().shuffleId() + "-" + status.id().mapId()
                : writer.executorId();
        return BlockManagerId.apply(executorId, writer.host(), writer.port(), Option.apply(topology));
    }

    /**
     * The Lifeboat map status carried by {@code location}.
     *
     * @throws IllegalStateException if {@code location} was not made by {@link #of}
     */
    public static MapStatus statusOf(BlockManagerId location) {
        Option<String> topology = location.topologyInfo();
        if (topology.isEmpty() || !topology.get().startsWith(PREFIX)) {
            throw new IllegalStateException("map output location " + location + " was not written by "
                    + ShuffleSettings.MANAGER_CLASS + " (is " + ShuffleSettings.SHUFFLE_MANAGER
                    + " the same on the driver and every executor?)");
        }
        return MapStatus.fromBytes(Base64.getUrlDecoder().decode(topology.get().substring(PREFIX.length())));
    }
}

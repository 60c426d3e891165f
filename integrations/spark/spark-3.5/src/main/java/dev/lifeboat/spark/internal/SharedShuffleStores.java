package dev.lifeboat.spark.internal;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.IOException;

/**
 * The shuffle block stores opened in this JVM, one per URI and options: Spark's shuffle manager,
 * its map output writers and its driver components (separate objects that Spark builds itself)
 * share one store and its client. The stores stay open until the JVM exits, as Spark's own
 * shuffle clients do.
 */
public final class SharedShuffleStores {
    private static final SharedStores<ShuffleBlockStore> STORES =
            new SharedStores<>("shuffle", Lifeboat::openShuffleBlockStore);

    private SharedShuffleStores() {}

    /** The open store of application {@code appId} under {@code settings}, opened on first use. */
    public static ShuffleBlockStore get(ShuffleSettings settings, String appId) throws IOException {
        return STORES.get(settings.applicationStore(appId), settings.options());
    }
}

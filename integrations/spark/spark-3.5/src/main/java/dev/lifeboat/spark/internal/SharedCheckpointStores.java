package dev.lifeboat.spark.internal;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The checkpoint stores opened in this JVM, one per URI and options. Spark constructs a new
 * checkpoint file manager per metadata log and per state store provider (a dozen for a small
 * query, on the driver and on every executor), so managers share stores instead of each opening
 * its own client. The stores stay open until the JVM exits.
 */
public final class SharedCheckpointStores {
    private static final SharedStores<CheckpointStore> STORES =
            new SharedStores<>("checkpoint", Lifeboat::openCheckpointStore);

    private SharedCheckpointStores() {}

    /** The open store for {@code uri} and {@code options}, opened on first use. */
    public static CheckpointStore get(URI uri, Map<String, String> options) throws IOException {
        return STORES.get(uri, options);
    }
}

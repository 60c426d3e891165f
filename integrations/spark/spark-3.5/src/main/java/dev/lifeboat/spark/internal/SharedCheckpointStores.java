package dev.lifeboat.spark.internal;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checkpoint stores opened in this JVM, one per URI and options. Spark constructs a new
 * checkpoint file manager per metadata log and per state store provider (a dozen for a small
 * query, on the driver and on every executor), so managers share stores instead of each opening
 * its own client. The stores stay open until the JVM exits.
 */
public final class SharedCheckpointStores {
    private static final Map<Key, CheckpointStore> STORES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(SharedCheckpointStores::closeAll, "lifeboat-checkpoint-stores-close"));
    }

    private SharedCheckpointStores() {}

    /** The open store for {@code uri} and {@code options}, opened on first use. */
    public static CheckpointStore get(URI uri, Map<String, String> options) throws IOException {
        Key key = new Key(uri, Map.copyOf(options));
        try {
            return STORES.computeIfAbsent(key, k -> {
                try {
                    return Lifeboat.openCheckpointStore(k.uri(), k.options());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void closeAll() {
        for (CheckpointStore store : STORES.values()) {
            try {
                store.close();
            } catch (IOException | RuntimeException e) {
                // The JVM is exiting; a store that fails to close has nothing uncommitted to lose.
            }
        }
        STORES.clear();
    }

    private record Key(URI uri, Map<String, String> options) {}
}

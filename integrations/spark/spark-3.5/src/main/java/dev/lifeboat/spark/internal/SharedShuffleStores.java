package dev.lifeboat.spark.internal;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shuffle block stores opened in this JVM, one per URI and options: Spark's shuffle manager,
 * its map output writers and its driver components (separate objects that Spark builds itself)
 * share one store and its client. The stores stay open until the JVM exits, as Spark's own
 * shuffle clients do.
 */
public final class SharedShuffleStores {
    private static final Map<Key, ShuffleBlockStore> STORES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(SharedShuffleStores::closeAll, "lifeboat-shuffle-stores-close"));
    }

    private SharedShuffleStores() {}

    /** The open store of application {@code appId} under {@code settings}, opened on first use. */
    public static ShuffleBlockStore get(ShuffleSettings settings, String appId) throws IOException {
        Key key = new Key(settings.applicationStore(appId), settings.options());
        try {
            return STORES.computeIfAbsent(key, k -> {
                try {
                    return Lifeboat.openShuffleBlockStore(k.uri(), k.options());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void closeAll() {
        for (ShuffleBlockStore store : STORES.values()) {
            try {
                store.close();
            } catch (IOException | RuntimeException e) {
                // The JVM is exiting; committed map outputs are already in the store.
            }
        }
        STORES.clear();
    }

    private record Key(URI uri, Map<String, String> options) {}
}

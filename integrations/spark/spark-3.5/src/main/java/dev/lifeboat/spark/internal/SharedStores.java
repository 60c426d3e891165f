package dev.lifeboat.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stores of one kind opened in this JVM, one per URI and options, shared by the objects Spark
 * builds itself (it never hands them to each other) instead of each opening its own client. The
 * stores stay open until the JVM exits, as Spark's own storage clients do.
 *
 * @param <S> the kind of store
 */
final class SharedStores<S extends AutoCloseable> {
    /** Opens a store; {@code Lifeboat::openCheckpointStore} and its siblings. */
    @FunctionalInterface
    interface Opener<S> {
        S open(URI uri, Map<String, String> options) throws IOException;
    }

    private final Map<Key, S> stores = new ConcurrentHashMap<>();
    private final Opener<S> opener;

    SharedStores(String kind, Opener<S> opener) {
        this.opener = opener;
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "lifeboat-" + kind + "-stores-close"));
    }

    /** The open store for {@code uri} and {@code options}, opened on first use. */
    S get(URI uri, Map<String, String> options) throws IOException {
        Key key = new Key(uri, Map.copyOf(options));
        try {
            return stores.computeIfAbsent(key, k -> {
                try {
                    return opener.open(k.uri(), k.options());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void closeAll() {
        for (S store : stores.values()) {
            try {
                store.close();
            } catch (Exception e) {
                // The JVM is exiting; what was committed is in the store already.
            }
        }
        stores.clear();
    }

    private record Key(URI uri, Map<String, String> options) {}
}

package dev.lifeboat.backend.mem;

import dev.lifeboat.backend.mem.internal.MemStore;
import java.net.URI;

/**
 * The named in-process stores behind {@code mem:} URIs. A store is created by the first instance
 * opened on its name and lives until it is dropped here or the JVM ends, so a test reopening
 * {@code mem:orders} sees what the previous instance wrote, and a test that wants a clean slate
 * drops the stores it used (or uses a fresh name).
 */
public final class MemStores {
    private MemStores() {}

    /**
     * Forgets the store {@code uri} names; the next instance opened on it starts empty. Instances
     * still open keep working on the forgotten store.
     *
     * @return whether the store existed
     */
    public static boolean drop(URI uri) {
        return MemStore.drop(uri);
    }

    /** Forgets every {@code mem:} store of this JVM. */
    public static void dropAll() {
        MemStore.dropAll();
    }

    /**
     * The store name of a {@code mem} URI: the URI without its scheme and without leading or
     * trailing slashes. {@code mem:orders}, {@code mem://orders} and {@code mem:///orders} name one
     * store; {@code mem://tests/orders} another.
     *
     * @throws IllegalArgumentException naming the URI if it is not a {@code mem} URI, names no
     *     store, or has a query or fragment
     */
    public static String name(URI uri) {
        return MemStore.nameOf(uri);
    }
}

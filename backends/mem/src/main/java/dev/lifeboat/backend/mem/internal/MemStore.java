package dev.lifeboat.backend.mem.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One named in-process store: the objects every {@code mem:} instance opened on the same name
 * shares (log segments, checkpoint parts and manifests, shuffle outputs), the state an election
 * group keeps, and the pending injected failures. Stores live until {@link #drop} or the end of
 * the JVM.
 */
public final class MemStore {
    public static final String SCHEME = "mem";

    private static final Map<String, MemStore> STORES = new ConcurrentHashMap<>();

    private final String name;
    private final NavigableMap<String, MemObject> objects = new ConcurrentSkipListMap<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private final AtomicBoolean walWriter = new AtomicBoolean();
    private final MemCheckpointState checkpoints = new MemCheckpointState();
    private final java.util.Set<Integer> removedShuffles = ConcurrentHashMap.newKeySet();
    private final MemGroup group;

    private MemStore(String name) {
        this.name = name;
        this.group = new MemGroup(SCHEME + ":" + name);
    }

    /** The store {@code uri} names, created empty if absent. */
    public static MemStore of(URI uri) {
        return STORES.computeIfAbsent(nameOf(uri), MemStore::new);
    }

    /** The store {@code uri} names, if it exists. */
    public static java.util.Optional<MemStore> existing(URI uri) {
        return java.util.Optional.ofNullable(STORES.get(nameOf(uri)));
    }

    /** Forgets the store {@code uri} names; instances still open keep the forgotten store. */
    public static boolean drop(URI uri) {
        return STORES.remove(nameOf(uri)) != null;
    }

    /** Forgets every store. */
    public static void dropAll() {
        STORES.clear();
    }

    /**
     * The store name of a {@code mem} URI: everything after the scheme, without leading or
     * trailing slashes, so {@code mem:orders}, {@code mem://orders} and {@code mem:///orders} name
     * one store and {@code mem://tests/orders} another.
     *
     * @throws IllegalArgumentException naming the URI if it is not a {@code mem} URI or names no store
     */
    public static String nameOf(URI uri) {
        requireNonNull(uri, "uri is null");
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals(SCHEME)) {
            throw new IllegalArgumentException("not a mem URI: '" + uri + "' (expected mem:<name>)");
        }
        if (uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawSchemeSpecificPart().contains("?")) {
            throw new IllegalArgumentException(
                    "a mem URI has no query or fragment: '" + uri + "' (pass settings as options)");
        }
        String ssp = uri.getSchemeSpecificPart();
        int from = 0;
        int to = ssp.length();
        while (from < to && ssp.charAt(from) == '/') {
            from++;
        }
        while (to > from && ssp.charAt(to - 1) == '/') {
            to--;
        }
        if (from == to) {
            throw new IllegalArgumentException("mem URI '" + uri + "' names no store (expected mem:<name>)");
        }
        return ssp.substring(from, to);
    }

    public String name() {
        return name;
    }

    /** {@code mem:<name>}: how errors, locations and leadership groups name this store. */
    public String uri() {
        return SCHEME + ":" + name;
    }

    public NavigableMap<String, MemObject> objects() {
        return objects;
    }

    public AtomicBoolean walWriter() {
        return walWriter;
    }

    public MemCheckpointState checkpoints() {
        return checkpoints;
    }

    /** Shuffles removed from this store (a read of one of their blocks reports the whole shuffle lost). */
    public java.util.Set<Integer> removedShuffles() {
        return removedShuffles;
    }

    public MemGroup group() {
        return group;
    }

    /** Makes the next {@code n} storage calls on this store fail (0 cancels). */
    public void failNext(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("number of calls to fail is negative: " + n);
        }
        failuresToInject.set(n);
    }

    /** Called before every storage operation: throws while injected failures are pending. */
    public void call(String operation) throws IOException {
        int left = failuresToInject.getAndUpdate(n -> n > 0 ? n - 1 : 0);
        if (left > 0) {
            throw new IOException(
                    "injected failure of " + operation + " on " + uri() + " (" + (left - 1) + " more to come)");
        }
    }
}

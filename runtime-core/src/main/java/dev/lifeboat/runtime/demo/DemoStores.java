package dev.lifeboat.runtime.demo;

import dev.lifeboat.spi.BackendProvider;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The stores a demo runs on when the user names them by URI: a fresh location under each URI (so
 * a demo never meets an earlier run's data), the options each store's provider accepts, and a
 * probe that fails fast, naming the URI, when the server behind it cannot be reached.
 */
final class DemoStores {
    /** How long a store may take to answer the probe before the demo gives up on it. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

    enum Kind {
        SHUFFLE("shuffle store"),
        CHECKPOINT("checkpoint store"),
        WAL("write-ahead log"),
        ELECTION("leader election");

        final String title;

        Kind(String title) {
            this.title = title;
        }

        BackendProvider<?> provider(URI uri) {
            return switch (this) {
                case SHUFFLE -> Lifeboat.shuffleBlockStoreProvider(uri);
                case CHECKPOINT -> Lifeboat.checkpointStoreProvider(uri);
                case WAL -> Lifeboat.walProvider(uri);
                case ELECTION -> Lifeboat.leaderElectionProvider(uri);
            };
        }
    }

    private DemoStores() {}

    /** {@code base/name}: a location under a user's URI. */
    static URI child(URI base, String name) {
        String s = base.toString();
        while (s.endsWith("/") && !s.endsWith("://") && !s.endsWith(":/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s + (s.endsWith("/") ? "" : "/") + name);
    }

    /** A name no earlier run used: {@code demo-<random>}. */
    static String runName() {
        return "demo-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The options among {@code options} that the provider serving {@code uri} accepts. */
    static Map<String, String> accepted(Kind kind, URI uri, Map<String, String> options) {
        BackendProvider<?> p = kind.provider(uri);
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (p.options().stream().anyMatch(s -> s.accepts(k))) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Checks every option is accepted by at least one of the stores.
     *
     * @throws IllegalArgumentException naming an option no store accepts
     */
    static void checkOptions(Map<String, String> options, List<Map.Entry<Kind, URI>> stores) {
        for (String key : options.keySet()) {
            boolean used = stores.stream()
                    .anyMatch(e ->
                            e.getKey().provider(e.getValue()).options().stream().anyMatch(s -> s.accepts(key)));
            if (!used) {
                throw new IllegalArgumentException("--option '" + key + "' is accepted by none of the stores "
                        + stores.stream().map(e -> e.getValue().toString()).toList());
            }
        }
    }

    /**
     * Opens the store at {@code uri} and makes one request to it, within {@link #PROBE_TIMEOUT}.
     *
     * @throws IOException naming the URI if the store cannot be reached or refused the request
     */
    static void probe(Kind kind, URI uri, Map<String, String> options) throws IOException {
        Objects.requireNonNull(uri, "uri");
        ExecutorService probe = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-demo-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Void> done = probe.submit(() -> {
                request(kind, uri, options);
                return null;
            });
            done.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("cannot reach the " + kind.title + " at " + uri + ": no answer within "
                    + PROBE_TIMEOUT.toSeconds() + " s (is the server running, and are the options right?)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("cannot reach the " + kind.title + " at " + uri + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing " + uri, e);
        } finally {
            probe.shutdownNow();
        }
    }

    private static void request(Kind kind, URI uri, Map<String, String> options) throws Exception {
        switch (kind) {
            case SHUFFLE -> {
                try (ShuffleBlockStore s = Lifeboat.openShuffleBlockStore(uri, options)) {
                    s.committedMapOutputs();
                }
            }
            case CHECKPOINT -> {
                try (CheckpointStore s = Lifeboat.openCheckpointStore(uri, options)) {
                    s.list("");
                }
            }
            case WAL -> {
                try (WriteAheadLogReader r = Lifeboat.openWriteAheadLogReader(uri, options)) {
                    r.recovery();
                } catch (NoSuchFileException e) {
                    // reachable: nothing stored there yet
                }
            }
            case ELECTION -> {
                // A participant joins and leaves: a round trip to the server. The caller gives a
                // group of the probe's own, so the demo's group never sees it.
                try (LeaderElection e = Lifeboat.openLeaderElection(uri, options);
                        Candidate c = e.join("probe", new LeadershipListener() {
                            @Override
                            public void elected(Leadership leadership) {}

                            @Override
                            public void lost(Leadership leadership, LossReason reason) {}
                        })) {
                    c.awaitLeadership(PROBE_TIMEOUT);
                }
            }
            default -> throw new AssertionError(kind);
        }
    }
}

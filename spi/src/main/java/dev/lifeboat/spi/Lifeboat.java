package dev.lifeboat.spi;

import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import dev.lifeboat.spi.internal.ProviderRegistry;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Opens Lifeboat storage by URI: the scheme picks a provider found with
 * {@link java.util.ServiceLoader} on the thread's context class loader (or this class's loader).
 *
 * <pre>{@code
 * try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(URI.create("file:///var/lib/app/wal"), Map.of())) {
 *     RecordHandle h = wal.write(ByteBuffer.wrap(bytes), System.currentTimeMillis());
 * }
 * }</pre>
 *
 * <p>Errors are loud: an unknown scheme lists the schemes found and names the artifact to add;
 * two providers for one scheme name both classes; an unknown option key names the key and the
 * accepted keys; a bad value names the value and what is accepted.
 */
public final class Lifeboat {
    private Lifeboat() {}

    public static WriteAheadLog openWriteAheadLog(URI uri, Map<String, String> options) throws IOException {
        WriteAheadLogProvider p = walProvider(uri);
        ProviderRegistry.checkKeys(p, options);
        return p.open(uri, options);
    }

    public static WriteAheadLogReader openWriteAheadLogReader(URI uri, Map<String, String> options) throws IOException {
        WriteAheadLogProvider p = walProvider(uri);
        ProviderRegistry.checkKeys(p, options);
        return p.openReader(uri, options);
    }

    public static CheckpointStore openCheckpointStore(URI uri, Map<String, String> options) throws IOException {
        CheckpointStoreProvider p = checkpointStoreProvider(uri);
        ProviderRegistry.checkKeys(p, options);
        return p.open(uri, options);
    }

    public static ShuffleBlockStore openShuffleBlockStore(URI uri, Map<String, String> options) throws IOException {
        ShuffleBlockStoreProvider p = shuffleBlockStoreProvider(uri);
        ProviderRegistry.checkKeys(p, options);
        return p.open(uri, options);
    }

    public static LeaderElection openLeaderElection(URI uri, Map<String, String> options) throws IOException {
        LeaderElectionProvider p = leaderElectionProvider(uri);
        ProviderRegistry.checkKeys(p, options);
        return p.open(uri, options);
    }

    public static WriteAheadLogProvider walProvider(URI uri) {
        return ProviderRegistry.load(WriteAheadLogProvider.class, "write-ahead log", loader())
                .forUri(uri);
    }

    public static CheckpointStoreProvider checkpointStoreProvider(URI uri) {
        return ProviderRegistry.load(CheckpointStoreProvider.class, "checkpoint store", loader())
                .forUri(uri);
    }

    public static ShuffleBlockStoreProvider shuffleBlockStoreProvider(URI uri) {
        return ProviderRegistry.load(ShuffleBlockStoreProvider.class, "shuffle block store", loader())
                .forUri(uri);
    }

    public static LeaderElectionProvider leaderElectionProvider(URI uri) {
        return ProviderRegistry.load(LeaderElectionProvider.class, "leader election", loader())
                .forUri(uri);
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Lifeboat.class.getClassLoader();
    }
}

package org.example.lifeboat.sqlite;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checkpoint stores in one SQLite database file: {@code sqlite:/absolute/path/to/file.db}. Found by
 * {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.lifeboat.spi.checkpoint.CheckpointStoreProvider}.
 *
 * <p>A transaction publishes a manifest all at once, a primary key makes the commit put-if-absent,
 * and the row a commit writes first (the fence) makes a stale epoch fail. SQLite's file locks make
 * all of it hold between processes, so both capabilities are declared; the checkpoints are in the
 * database file, so {@code CHECKPOINT_DURABLE} is too.
 */
public final class SqliteCheckpointStoreProvider implements CheckpointStoreProvider {
    static final Set<Capability> CAPABILITIES =
            Set.of(
                    Capability.CHECKPOINT_EPOCH_FENCING,
                    Capability.CHECKPOINT_CROSS_PROCESS,
                    Capability.CHECKPOINT_DURABLE);

    @Override
    public String scheme() {
        return "sqlite";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(); // nothing to tune: Lifeboat rejects every option key before open()
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options) throws IOException {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        if (uri.isOpaque() || !uri.getPath().startsWith("/") || uri.getRawAuthority() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + uri + "' is not sqlite:/absolute/path/to/file.db");
        }
        return new SqliteCheckpointStore("jdbc:sqlite:" + uri.getPath());
    }
}

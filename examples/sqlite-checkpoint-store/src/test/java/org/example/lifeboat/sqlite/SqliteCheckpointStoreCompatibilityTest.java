package org.example.lifeboat.sqlite;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The whole Lifeboat checkpoint contract against a fresh SQLite file per test root. */
class SqliteCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CheckpointStoreProvider provider() {
        return new SqliteCheckpointStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return URI.create("sqlite:" + dir.resolve(UUID.randomUUID() + ".db").toUri().getRawPath());
    }
}

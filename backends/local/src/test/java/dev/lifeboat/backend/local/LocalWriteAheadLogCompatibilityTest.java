package dev.lifeboat.backend.local;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The local write-ahead log passes the whole compatibility kit. */
class LocalWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    @TempDir
    Path dir;

    @Override
    protected WriteAheadLogProvider provider() {
        return new LocalWriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        return dir.resolve(UUID.randomUUID().toString()).toUri();
    }
}

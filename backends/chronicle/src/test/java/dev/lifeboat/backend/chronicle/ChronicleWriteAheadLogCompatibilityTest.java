package dev.lifeboat.backend.chronicle;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The Chronicle write-ahead log passes the compatibility kit. */
class ChronicleWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    @TempDir
    Path dir;

    @Override
    protected WriteAheadLogProvider provider() {
        return new ChronicleWriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        return URI.create("chronicle://" + dir.resolve(UUID.randomUUID().toString()).toAbsolutePath());
    }
}

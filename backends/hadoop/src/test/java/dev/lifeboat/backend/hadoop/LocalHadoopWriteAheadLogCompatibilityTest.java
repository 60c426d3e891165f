package dev.lifeboat.backend.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log kit on Hadoop's local file system ({@code hadoop:file:...}), with the
 * capabilities it really has. Its raw streams report hflush and hsync, so the provider declares
 * durable sync, surviving a process crash and cross-process readers; it has no leases, so
 * {@code WAL_SINGLE_WRITER} is not declared and {@code secondWriterOnTheSameLogIsRefused} is
 * skipped (the lock file still refuses a second writer, but cannot fence a paused one).
 */
class LocalHadoopWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    static final Set<Capability> LOCAL = Set.of(
            Capability.WAL_DURABLE_SYNC, Capability.WAL_SURVIVES_PROCESS_CRASH, Capability.WAL_CROSS_PROCESS_READERS);

    @TempDir
    Path dir;

    @Override
    protected WriteAheadLogProvider provider() {
        return new HadoopFsWriteAheadLogProvider(LOCAL);
    }

    @Override
    protected URI newRoot() {
        return URI.create("hadoop:" + dir.resolve(UUID.randomUUID().toString()).toUri());
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("writer-lock.heartbeat-interval", "250ms", "writer-lock.takeover-after", "2s");
    }

    @Test
    void capabilitiesAreWhatTheLocalStreamsReport() throws IOException {
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(newRoot(), options())) {
            assertThat(wal.capabilities()).isEqualTo(LOCAL);
        }
        assertThat(new HadoopFsWriteAheadLogProvider().capabilities())
                .as("the provider ServiceLoader creates promises nothing for an unknown file system")
                .isEmpty();
    }
}

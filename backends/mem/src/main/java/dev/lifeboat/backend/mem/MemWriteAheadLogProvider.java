package dev.lifeboat.backend.mem;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog;
import dev.lifeboat.backend.common.wal.StorageLogReader;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.backend.mem.internal.MemLogStorage;
import dev.lifeboat.backend.mem.internal.MemStore;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Write-ahead logs in the memory of this JVM, at {@code mem:<name>}: the shared group commit and
 * record framing over segments held as in-memory objects. One writer per log ({@link
 * Capability#WAL_SINGLE_WRITER}); readers beside it in the same JVM. Nothing survives the JVM, so
 * no durability capability is declared: {@code sync} returns once records are in memory.
 * Accepts the standard WAL options.
 */
public final class MemWriteAheadLogProvider extends ProviderBase
        implements WriteAheadLogProvider, SupportsFaultInjection {
    static final Set<Capability> CAPABILITIES = Set.of(Capability.WAL_SINGLE_WRITER);

    /** For {@link java.util.ServiceLoader}. */
    public MemWriteAheadLogProvider() {
        super(MemStore.SCHEME, CAPABILITIES, WalSettings.OPTIONS);
    }

    @Override
    public WriteAheadLog open(URI uri, Map<String, String> options) throws IOException {
        WalSettings settings = settings(uri, options);
        MemStore store = MemStore.of(uri);
        if (!store.walWriter().compareAndSet(false, true)) {
            throw new ConcurrentWriterException("a writer is already open on the write-ahead log " + store.uri());
        }
        try {
            return new GroupCommitWriteAheadLog(
                    MemLogStorage.openWriter(store, settings), settings, CAPABILITIES, "mem-wal-" + store.name());
        } catch (IOException | RuntimeException | Error e) {
            store.walWriter().set(false);
            throw e;
        }
    }

    @Override
    public WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException {
        WalSettings settings = settings(uri, options);
        MemStore store = MemStore.existing(uri)
                .orElseThrow(() -> new java.nio.file.NoSuchFileException(uri.toString(), null, "no mem store"));
        return new StorageLogReader(MemLogStorage.openReader(store, settings), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        requireNonNull(options, "options is null");
        return MemFaults.of(uri);
    }

    private WalSettings settings(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        MemStore.nameOf(uri);
        return WalSettings.from(Options.of(MemStore.SCHEME, options, options()));
    }
}

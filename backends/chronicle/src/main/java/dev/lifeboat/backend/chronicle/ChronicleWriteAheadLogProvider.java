package dev.lifeboat.backend.chronicle;

import dev.lifeboat.backend.chronicle.internal.ChronicleFaults;
import dev.lifeboat.backend.chronicle.internal.ChronicleJvm;
import dev.lifeboat.backend.chronicle.internal.ChronicleLogStorage;
import dev.lifeboat.backend.chronicle.internal.ChronicleWalOptions;
import dev.lifeboat.backend.chronicle.internal.ChronicleWalSettings;
import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog;
import dev.lifeboat.backend.common.wal.StorageLogReader;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Write-ahead logs on Chronicle Queue, scheme {@code chronicle}.
 *
 * <p><b>URI</b>: {@code chronicle:///absolute/dir}, the queue directory ({@link #open} creates it).
 * A relative path, a host, a query or a fragment is an {@link IllegalArgumentException}.
 *
 * <p><b>JVM flags</b>: on Java 17 Chronicle needs
 * {@code --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
 * --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true}.
 * {@link #open} and {@link #openReader} check the module flags before any Chronicle class runs
 * and throw {@link IllegalStateException} naming the missing ones. Usage analytics are off: the
 * artifact leaves Chronicle's analytics library out and the property is set if absent.
 *
 * <p><b>Layout</b>: one excerpt per record, holding the record's frame (magic, length, LSN,
 * timestamp, CRC32C) so that damage is found as on every backend; one file per roll cycle
 * ({@code yyyyMMdd'F'.cq4} for the default {@code fast-daily}), Chronicle's
 * {@code metadata.cq4t}, and {@code lifeboat-writer.lock}, locked while a writer is open (a second
 * writer gets {@link dev.lifeboat.spi.ConcurrentWriterException}). A record's LSN maps to the
 * Chronicle index of the same record (cycle, sequence) through the first LSN of each cycle.
 *
 * <p><b>Options</b>: the standard WAL keys, {@code roll-cycle} (a Chronicle roll cycle name, lower
 * case with dashes, default {@code fast-daily}; an existing queue keeps its own) and
 * {@code block-size} (Chronicle's mapping block; a record must fit in a quarter of it; default
 * {@code auto}). {@code segment-bytes} closes a cycle file early once it holds that many bytes
 * (the next cycle file is used at once, so file names then run ahead of the clock); its default
 * here is 1024GiB: roll by time only.
 *
 * <p><b>Durability</b>: Chronicle writes into memory-mapped files. An appended excerpt is in the
 * operating system's page cache at once: {@code none} and {@code flush} both acknowledge a record
 * once its excerpt is written, visible to readers in any process and kept if the writing process
 * is killed (not if the machine loses power). {@code sync} also forces each cycle file written
 * since the last sync ({@code fdatasync}, which writes back pages dirtied through the mapping and,
 * unlike Chronicle's {@code msync} path, reports failure), and the directory and
 * {@code metadata.cq4t} after a new cycle file. Concurrent appenders share one sync per batch.
 *
 * <p><b>Recovery</b>: opening verifies every record of the newest cycle file. A torn tail (the
 * unfinished excerpt of a killed writer, invisible to Chronicle, or a last excerpt whose bytes
 * were not all on disk after an OS crash) is reported; a writer cuts it off by moving to a new
 * cycle file. Other damage is {@link dev.lifeboat.spi.CorruptDataException} naming the cycle
 * file and the file offset. Truncation deletes whole cycle files, oldest first, never the newest
 * one with records.
 *
 * <p>{@link #faults} damages cycle files ({@link dev.lifeboat.spi.fault.StoredKind#WAL_SEGMENT}):
 * see {@link ChronicleFaults} for what lengths and truncation mean on preallocated files.
 */
public final class ChronicleWriteAheadLogProvider extends ProviderBase
        implements WriteAheadLogProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.WAL_DURABLE_SYNC,
            Capability.WAL_SURVIVES_PROCESS_CRASH,
            Capability.WAL_SINGLE_WRITER,
            Capability.WAL_CROSS_PROCESS_READERS));

    /** For {@link java.util.ServiceLoader}. */
    public ChronicleWriteAheadLogProvider() {
        super(ChronicleWalOptions.SCHEME, CAPABILITIES, ChronicleWalOptions.OPTIONS);
    }

    /**
     * Opens the log's one writer, creating the directory and queue if absent.
     *
     * @throws IllegalArgumentException if the URI or an option is invalid (all bad options named)
     * @throws IllegalStateException if the JVM lacks the flags Chronicle needs (named)
     * @throws dev.lifeboat.spi.ConcurrentWriterException if the log already has a writer
     * @throws dev.lifeboat.spi.CorruptDataException if the newest cycle file is damaged before its end
     */
    @Override
    public WriteAheadLog open(URI uri, Map<String, String> options) throws IOException {
        ChronicleWalSettings settings = settings(uri, options);
        return open(settings);
    }

    /**
     * Opens a read-only view that takes no lock and changes no file.
     *
     * @throws java.nio.file.NoSuchFileException if no queue exists at {@code uri}
     */
    @Override
    public WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException {
        ChronicleWalSettings settings = settings(uri, options);
        return new StorageLogReader(ChronicleLogStorage.openReader(settings), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new ChronicleFaults(settings(uri, options));
    }

    /** Opens a writer with settings built elsewhere (tests drive the roll cycle's clock this way). */
    static WriteAheadLog open(ChronicleWalSettings settings) throws IOException {
        ChronicleLogStorage storage = ChronicleLogStorage.openWriter(settings);
        try {
            return new GroupCommitWriteAheadLog(
                    storage, settings.wal(), CAPABILITIES, settings.directory().toString());
        } catch (RuntimeException | Error e) {
            try {
                storage.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static ChronicleWalSettings settings(URI uri, Map<String, String> options) {
        ChronicleWalSettings.directory(uri);
        ChronicleJvm.check();
        return ChronicleWalSettings.parse(uri, options);
    }
}

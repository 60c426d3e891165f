package dev.lifeboat.backend.local;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog;
import dev.lifeboat.backend.common.wal.StorageLogReader;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.backend.local.internal.LocalFileFaults;
import dev.lifeboat.backend.local.internal.LocalLogStorage;
import dev.lifeboat.backend.local.internal.LocalUris;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.OptionSpec;
import dev.lifeboat.spi.Options;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Write-ahead logs in a local directory: the embedded default, scheme {@code file}.
 *
 * <p><b>URI</b>: {@code file:///absolute/dir} (also {@code file:/absolute/dir}). A relative path,
 * a host ({@code file://host/dir}), a query or a fragment is an {@link IllegalArgumentException}.
 * {@link #open} creates the directory if it is absent.
 *
 * <p><b>Layout</b>: segment files {@code <dir>/<first LSN, 20 digits>.wal} holding records framed
 * by {@code RecordFrame} (magic and version, length, LSN, timestamp, CRC32C of header and
 * payload), and {@code <dir>/writer.lock}, locked with {@code FileChannel.tryLock} for as long as
 * the writer is open. A second writer, in this process or another, gets a
 * {@link dev.lifeboat.spi.ConcurrentWriterException} naming the directory.
 *
 * <p><b>Options</b>: the standard ones of {@link WalSettings#OPTIONS}. {@code durability}
 * {@code none} and {@code flush} both hand every batch to the OS before acknowledging it (so a
 * record acknowledged under either survives the writing process being killed, though not a
 * power loss); {@code sync} also {@code fdatasync}s the segment, and {@code fsync}s the
 * directory after a segment was created. Concurrent appenders share one sync per batch.
 * {@code segment-bytes} is the size at which the writer rolls to a new segment.
 *
 * <p><b>Recovery</b>: opening a writer cuts a torn tail off the newest segment (truncating the
 * file) and reports it in {@code recovery()}; damage followed by more data is a
 * {@link dev.lifeboat.spi.CorruptDataException} naming the segment file and offset (when opening,
 * for the newest segment; when reading, for older ones). {@link #openReader} never locks or
 * changes a file: it reports a torn tail and reads stop before it. Truncation deletes whole
 * segments, oldest first, never the one being written.
 *
 * <p>{@link #faults} damages segment files ({@link dev.lifeboat.spi.fault.StoredKind#WAL_SEGMENT},
 * keyed by first LSN) for tests and demos.
 */
public final class LocalWriteAheadLogProvider extends ProviderBase
        implements WriteAheadLogProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.WAL_DURABLE_SYNC,
            Capability.WAL_SURVIVES_PROCESS_CRASH,
            Capability.WAL_SINGLE_WRITER,
            Capability.WAL_CROSS_PROCESS_READERS));
    private static final String WHAT = "write-ahead log";

    /** For {@link java.util.ServiceLoader}. */
    public LocalWriteAheadLogProvider() {
        super(LocalUris.SCHEME, CAPABILITIES, WalSettings.OPTIONS);
    }

    /**
     * Opens the log's one writer, creating the directory and the log if absent.
     *
     * @throws IllegalArgumentException if the URI or an option is invalid (all bad options named)
     * @throws dev.lifeboat.spi.ConcurrentWriterException if the log already has a writer
     * @throws dev.lifeboat.spi.CorruptDataException if the newest segment is damaged before its end
     */
    @Override
    public WriteAheadLog open(URI uri, Map<String, String> options) throws IOException {
        Path dir = LocalUris.directory(WHAT, uri);
        WalSettings settings = settings(options);
        LocalLogStorage storage = LocalLogStorage.openWriter(dir, settings);
        try {
            return new GroupCommitWriteAheadLog(storage, settings, CAPABILITIES, dir.toString());
        } catch (RuntimeException | Error e) {
            try {
                storage.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Opens a read-only view that takes no lock and changes no file.
     *
     * @throws java.nio.file.NoSuchFileException if the directory does not exist or holds no segment
     */
    @Override
    public WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException {
        Path dir = LocalUris.directory(WHAT, uri);
        settings(options);
        return new StorageLogReader(LocalLogStorage.openReader(dir), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        Path dir = LocalUris.directory(WHAT, uri);
        settings(options);
        return new LocalFileFaults(dir, file -> LocalLogStorage.classify(dir, file));
    }

    /** The settings of {@code options}; unknown keys and bad values are reported all at once. */
    private WalSettings settings(Map<String, String> options) {
        requireNonNull(options, "options is null");
        Options o = Options.of(scheme(), options, options());
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (options().stream().noneMatch(spec -> spec.accepts(e.getKey()))) {
                o.error(
                        e.getKey(),
                        e.getValue(),
                        "is not an option of the local write-ahead log; accepted: "
                                + options().stream().map(OptionSpec::displayKey).collect(Collectors.joining(", ")));
            }
        }
        return WalSettings.from(o);
    }
}

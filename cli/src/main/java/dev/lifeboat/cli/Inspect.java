package dev.lifeboat.cli;

import dev.lifeboat.spi.BackendProvider;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.PartInfo;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.RecoveryReport;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lifeboat inspect}: reads everything stored at a URI through the SPI, verifying every
 * checksum, and reports damage with its location. It never modifies storage (WALs are opened
 * read-only, so a torn tail is reported, not cut).
 */
final class Inspect {
    private enum Kind {
        WAL,
        CHECKPOINTS,
        SHUFFLE
    }

    private final PrintStream out;
    private final List<String> problems = new ArrayList<>();

    Inspect(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) {
        Kind kind = null;
        Map<String, String> options = new LinkedHashMap<>();
        URI uri = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kind" -> kind = parseKind(value(args, ++i, "--kind"));
                case "--option", "-o" -> {
                    String kv = value(args, ++i, args[i - 1]);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("option '" + kv + "' is not key=value");
                    }
                    options.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> {
                    if (args[i].startsWith("-") || uri != null) {
                        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                    }
                    uri = toUri(args[i]);
                }
            }
        }
        if (uri == null) {
            throw new IllegalArgumentException("a URI to inspect is required, e.g. file:///var/lib/app/wal");
        }
        try {
            if (kind == null) {
                kind = detect(uri, options);
            }
            switch (kind) {
                case WAL -> inspectWal(uri, options);
                case CHECKPOINTS -> inspectCheckpoints(uri, options);
                case SHUFFLE -> inspectShuffle(uri, options);
                default -> throw new AssertionError(kind);
            }
        } catch (NoSuchFileException e) {
            out.println("nothing stored at " + uri + " (" + e.getMessage() + ")");
            return 2;
        } catch (CorruptDataException e) {
            report(e);
        } catch (IOException e) {
            // Not damage: the store could not be read at all (a server that cannot be reached,
            // access refused). An access error, exit code 2.
            out.println("cannot read " + uri + ": " + e);
            return 2;
        }
        if (problems.isEmpty()) {
            out.println("OK: no damage found");
            return 0;
        }
        out.println("DAMAGE FOUND (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):");
        problems.forEach(p -> out.println("  - " + p));
        return 1;
    }

    private void inspectWal(URI uri, Map<String, String> options) throws IOException {
        out.println("write-ahead log at " + uri);
        faults(Lifeboat.walProvider(uri), uri, options)
                .ifPresent(f -> listObjects(f, StoredKind.WAL_SEGMENT, "segment"));
        try (WriteAheadLogReader reader = Lifeboat.openWriteAheadLogReader(uri, options)) {
            long count = 0;
            long bytes = 0;
            long first = -1;
            long last = -1;
            try (CloseableIterator<LogRecord> records = reader.replayAll()) {
                while (records.hasNext()) {
                    LogRecord r = records.next();
                    if (first < 0) {
                        first = r.handle().lsn();
                    }
                    last = r.handle().lsn();
                    count++;
                    bytes += r.payload().remaining();
                }
            } catch (UncheckedIOException e) {
                report(e.getCause());
            }
            out.printf(
                    Locale.ROOT,
                    "  records: %d (%d payload bytes)%s, checksums verified%n",
                    count,
                    bytes,
                    count == 0 ? "" : ", LSN " + first + ".." + last);
            RecoveryReport recovery = reader.recovery();
            recovery.tornTail()
                    .ifPresent(t -> problems.add("torn tail in " + t.segment() + " at offset " + t.offset() + ": "
                            + t.discardedBytes() + " bytes after the last complete record (a writer will cut them)"));
        }
    }

    private void inspectCheckpoints(URI uri, Map<String, String> options) throws IOException {
        out.println("checkpoint store at " + uri);
        try (CheckpointStore store = Lifeboat.openCheckpointStore(uri, options)) {
            List<CheckpointId> ids = store.list("");
            out.println("  checkpoints: " + ids.size());
            for (CheckpointId id : ids) {
                try {
                    var checkpoint = store.open(id);
                    if (checkpoint.isEmpty()) {
                        continue; // deleted while we looked
                    }
                    CheckpointInfo info = checkpoint.get().info();
                    out.printf(
                            Locale.ROOT,
                            "  %s  epoch %d  %d parts  %d bytes%n",
                            id,
                            info.epoch(),
                            info.parts().size(),
                            info.totalBytes());
                    verifyParts(checkpoint.get(), info);
                } catch (CorruptDataException e) {
                    report(e);
                }
            }
        }
    }

    private void verifyParts(Checkpoint checkpoint, CheckpointInfo info) throws IOException {
        for (PartInfo part : info.parts()) {
            try (InputStream in = checkpoint.openPart(part.name())) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (CorruptDataException | NoSuchFileException e) {
                report(e);
            }
        }
    }

    private void inspectShuffle(URI uri, Map<String, String> options) throws IOException {
        out.println("shuffle store at " + uri);
        try (ShuffleBlockStore store = Lifeboat.openShuffleBlockStore(uri, options)) {
            List<MapStatus> outputs = store.committedMapOutputs();
            out.println("  map outputs: " + outputs.size());
            for (MapStatus status : outputs) {
                out.printf(
                        Locale.ROOT,
                        "  %s  %d partitions  %d bytes%n",
                        status.id(),
                        status.numPartitions(),
                        status.totalBytes());
                for (int r = 0; r < status.numPartitions(); r++) {
                    try (InputStream in = store.openBlock(status, r)) {
                        in.transferTo(OutputStream.nullOutputStream());
                    } catch (BlockUnavailableException e) {
                        report(e);
                    }
                }
            }
        }
    }

    private Kind detect(URI uri, Map<String, String> options) throws IOException {
        var wal = faults(Lifeboat.walProvider(uri), uri, options);
        if (wal.isPresent() && !wal.get().list(StoredKind.WAL_SEGMENT).isEmpty()) {
            return Kind.WAL;
        }
        var checkpoints = faults(Lifeboat.checkpointStoreProvider(uri), uri, options);
        if (checkpoints.isPresent()
                && !checkpoints.get().list(StoredKind.CHECKPOINT_MANIFEST).isEmpty()) {
            return Kind.CHECKPOINTS;
        }
        var shuffle = faults(Lifeboat.shuffleBlockStoreProvider(uri), uri, options);
        if (shuffle.isPresent() && !shuffle.get().list(StoredKind.SHUFFLE_INDEX).isEmpty()) {
            return Kind.SHUFFLE;
        }
        throw new NoSuchFileException(
                uri.toString(), null, "no WAL segments, checkpoints or shuffle outputs found; pass --kind to choose");
    }

    private static java.util.Optional<StorageFaults> faults(
            BackendProvider<?> provider, URI uri, Map<String, String> options) throws IOException {
        if (provider instanceof SupportsFaultInjection f) {
            return java.util.Optional.of(f.faults(uri, options));
        }
        return java.util.Optional.empty();
    }

    private void listObjects(StorageFaults faults, StoredKind kind, String label) {
        try {
            for (StoredObject o : faults.list(kind)) {
                out.printf(Locale.ROOT, "  %s %s  %d bytes%n", label, o.name(), o.length());
            }
        } catch (IOException e) {
            problems.add("cannot list " + label + "s: " + e.getMessage());
        }
    }

    private void report(IOException e) {
        problems.add(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private static Kind parseKind(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "wal" -> Kind.WAL;
            case "checkpoints", "checkpoint" -> Kind.CHECKPOINTS;
            case "shuffle" -> Kind.SHUFFLE;
            default -> throw new IllegalArgumentException("--kind '" + s + "' must be wal, checkpoints or shuffle");
        };
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** A URI, or a plain path taken as a local directory. */
    static URI toUri(String s) {
        if (s.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !s.matches("[a-zA-Z]:\\\\.*")) {
            return URI.create(s);
        }
        return java.nio.file.Path.of(s).toAbsolutePath().normalize().toUri();
    }
}

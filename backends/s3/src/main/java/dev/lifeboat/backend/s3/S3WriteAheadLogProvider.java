package dev.lifeboat.backend.s3;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog;
import dev.lifeboat.backend.common.wal.StorageLogReader;
import dev.lifeboat.backend.common.wal.WalSettings;
import dev.lifeboat.backend.s3.internal.LeaseOptions;
import dev.lifeboat.backend.s3.internal.Providers;
import dev.lifeboat.backend.s3.internal.S3LogStorage;
import dev.lifeboat.backend.s3.internal.S3Settings;
import dev.lifeboat.backend.s3.internal.S3StorageFaults;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Write-ahead logs on S3 ({@code s3://bucket/prefix}) without append or rename: every group-commit
 * batch becomes one immutable object written with a conditional PUT, so {@code sync} costs one PUT
 * per batch, not per record. A newly opened writer fences the previous one through the same
 * conditional writes. One writer at a time: it holds a lease in the log's head object (renewed
 * every {@code renew-interval}); a second writer is refused while the lease is renewed, and takes
 * over (fencing the first) once it has not been renewed for {@code lease-duration}. Takes the
 * common S3 options, the standard WAL options ({@code durability}, {@code segment-bytes},
 * {@code group-commit.*}) and {@code lease-duration} / {@code renew-interval}. See
 * {@code docs/backends/s3.md}.
 */
public final class S3WriteAheadLogProvider extends ProviderBase
        implements WriteAheadLogProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Set.of(
            Capability.WAL_DURABLE_SYNC,
            Capability.WAL_SURVIVES_PROCESS_CRASH,
            Capability.WAL_SINGLE_WRITER,
            Capability.WAL_CROSS_PROCESS_READERS);
    private static final List<OptionSpec> OPTIONS =
            Providers.options(concat(WalSettings.OPTIONS, LeaseOptions.specs("writer")));

    /** For {@link java.util.ServiceLoader}. */
    public S3WriteAheadLogProvider() {
        super(Providers.SCHEME, CAPABILITIES, OPTIONS);
    }

    @Override
    public WriteAheadLog open(URI uri, Map<String, String> options) throws IOException {
        Parsed p = parse(uri, options);
        S3LogStorage storage = Providers.openOn(
                p.s3, store -> S3LogStorage.openWriter(store, p.wal, p.lease.duration(), p.lease.renewInterval()));
        return new GroupCommitWriteAheadLog(
                storage, p.wal, CAPABILITIES, p.s3.location().toString());
    }

    @Override
    public WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException {
        Parsed p = parse(uri, options);
        S3LogStorage storage = Providers.openOn(p.s3, store -> S3LogStorage.openReader(store, p.wal));
        return new StorageLogReader(storage, CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return new S3StorageFaults(parse(uri, options).s3);
    }

    private record Parsed(S3Settings s3, WalSettings wal, LeaseOptions lease) {}

    private Parsed parse(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        Options o = Options.of(Providers.SCHEME, options, OPTIONS);
        S3Settings s3 = S3Settings.from(uri, o);
        LeaseOptions lease = LeaseOptions.from(o);
        WalSettings wal = WalSettings.from(o); // validates every key read so far
        return new Parsed(s3, wal, lease);
    }

    private static List<OptionSpec> concat(List<OptionSpec> a, List<OptionSpec> b) {
        List<OptionSpec> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

package dev.lifeboat.backend.local;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.local.internal.LocalCheckpointFaults;
import dev.lifeboat.backend.local.internal.LocalCheckpointSettings;
import dev.lifeboat.backend.local.internal.LocalCheckpointStore;
import dev.lifeboat.backend.local.internal.LocalUris;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Checkpoint stores in a local directory: {@code file:///absolute/dir} (created if absent).
 *
 * <p>Guarantees: a commit is atomic and put-if-absent between threads and processes (it
 * publishes the forced manifest with a hard link, never an overwriting rename), durable when it
 * returns (parts, manifest and the folders that name them are forced), and fenced by epoch: a
 * commit with an epoch {@code e > 0} lower than the highest epoch that ever committed to the
 * directory fails with {@link dev.lifeboat.spi.FencedException}; epoch {@code 0} ("not in an
 * election") is never fenced and never raises the recorded epoch. The file system must support
 * hard links and, for cross-process use, {@link java.nio.channels.FileLock}s (local disks do;
 * some network file systems do not).
 *
 * <p>Options: {@code lock-timeout} (default {@code 30s}): how long a commit, delete or garbage
 * collection waits for the store's commit lock held by another thread or process.
 *
 * <p>Layout below the directory: {@code attempts/<attempt-id>/parts/...} and
 * {@code attempts/<attempt-id>/manifest} per writer attempt, {@code committed/...} the commit
 * points (ids encoded injectively, see {@code LocalCheckpointLayout}), {@code epoch},
 * {@code commit.lock} and {@code trash/}.
 */
public final class LocalCheckpointStoreProvider extends ProviderBase
        implements CheckpointStoreProvider, SupportsFaultInjection {
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.CHECKPOINT_EPOCH_FENCING, Capability.CHECKPOINT_CROSS_PROCESS, Capability.CHECKPOINT_DURABLE));

    /** For {@link java.util.ServiceLoader}. */
    public LocalCheckpointStoreProvider() {
        super(LocalUris.SCHEME, CAPABILITIES, LocalCheckpointSettings.OPTIONS);
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options) throws IOException {
        return LocalCheckpointStore.open(LocalCheckpointSettings.of(uri, options));
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return LocalCheckpointFaults.of(LocalCheckpointSettings.of(uri, options));
    }
}

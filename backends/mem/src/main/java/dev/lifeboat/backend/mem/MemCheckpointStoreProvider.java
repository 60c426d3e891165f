package dev.lifeboat.backend.mem;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.mem.internal.MemCheckpointStore;
import dev.lifeboat.backend.mem.internal.MemStore;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checkpoint stores in the memory of this JVM, at {@code mem:<name>}: atomic, put-if-absent,
 * verified commits, fenced by epoch ({@link Capability#CHECKPOINT_EPOCH_FENCING}) because every
 * commit is decided under one monitor. Every store opened on the same name in this JVM sees the
 * same checkpoints; another process sees none, and none outlives the JVM, so neither
 * {@link Capability#CHECKPOINT_CROSS_PROCESS} nor {@link Capability#CHECKPOINT_DURABLE} is
 * declared. No options.
 */
public final class MemCheckpointStoreProvider extends ProviderBase
        implements CheckpointStoreProvider, SupportsFaultInjection {
    static final Set<Capability> CAPABILITIES = Set.of(Capability.CHECKPOINT_EPOCH_FENCING);

    /** For {@link java.util.ServiceLoader}. */
    public MemCheckpointStoreProvider() {
        super(MemStore.SCHEME, CAPABILITIES, List.of());
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        return new MemCheckpointStore(MemStore.of(uri), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        requireNonNull(options, "options is null");
        return MemFaults.of(uri);
    }
}

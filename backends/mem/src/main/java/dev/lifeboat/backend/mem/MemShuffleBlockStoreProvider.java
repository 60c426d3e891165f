package dev.lifeboat.backend.mem;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.mem.internal.MemShuffleBlockStore;
import dev.lifeboat.backend.mem.internal.MemStore;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shuffle block stores in the memory of this JVM, at {@code mem:<name>} (the location recorded in
 * map statuses). Blocks are readable by every store of this JVM, and by nothing outside it, so
 * {@link Capability#SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR} is not declared: an executor in another
 * process could not read them. No options.
 */
public final class MemShuffleBlockStoreProvider extends ProviderBase
        implements ShuffleBlockStoreProvider, SupportsFaultInjection {
    static final Set<Capability> CAPABILITIES = Set.of();

    /** For {@link java.util.ServiceLoader}. */
    public MemShuffleBlockStoreProvider() {
        super(MemStore.SCHEME, CAPABILITIES, List.of());
    }

    @Override
    public ShuffleBlockStore open(URI uri, Map<String, String> options) {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        return new MemShuffleBlockStore(MemStore.of(uri), CAPABILITIES);
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        requireNonNull(options, "options is null");
        return MemFaults.of(uri);
    }
}

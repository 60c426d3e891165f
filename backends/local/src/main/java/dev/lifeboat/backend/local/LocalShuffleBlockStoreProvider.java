package dev.lifeboat.backend.local;

import dev.lifeboat.backend.common.provider.ProviderBase;
import dev.lifeboat.backend.local.internal.LocalShuffleBlockStore;
import dev.lifeboat.backend.local.internal.LocalShuffleFaults;
import dev.lifeboat.backend.local.internal.LocalShuffleSettings;
import dev.lifeboat.backend.local.internal.LocalUris;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.SupportsFaultInjection;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Shuffle block stores on an executor's local disk: {@code file:///absolute/dir} (created if
 * absent). Takes no options.
 *
 * <p>One data file and one index per map output, below {@code shuffle-<shuffleId>/}: the
 * attempt's blocks go to {@code <mapId>-<attempt>.data}, and the commit point is
 * {@code <mapId>.index} ({@code ShuffleIndexCodec}: the winning attempt, each block's length and
 * CRC32C), created by hard link so that the first attempt to commit wins and a later attempt gets
 * the winner's status back. Commits are atomic but not forced to disk, and blocks live as long
 * as the executor's disk: the store does not declare
 * {@link Capability#SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR}. {@link ShuffleBlockStore#location()} is
 * the directory's path; any local store can read blocks at another location on the same machine.
 */
public final class LocalShuffleBlockStoreProvider extends ProviderBase
        implements ShuffleBlockStoreProvider, SupportsFaultInjection {
    /** For {@link java.util.ServiceLoader}. */
    public LocalShuffleBlockStoreProvider() {
        super(LocalUris.SCHEME, Set.of(), LocalShuffleSettings.OPTIONS);
    }

    @Override
    public ShuffleBlockStore open(URI uri, Map<String, String> options) throws IOException {
        return LocalShuffleBlockStore.open(LocalShuffleSettings.of(uri, options));
    }

    @Override
    public StorageFaults faults(URI uri, Map<String, String> options) {
        return LocalShuffleFaults.of(LocalShuffleSettings.of(uri, options));
    }
}

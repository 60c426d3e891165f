package dev.lifeboat.cli.tck;

import dev.lifeboat.compat.ShuffleBlockStoreContract;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.net.URI;
import java.util.Map;

/** The kit's {@link ShuffleBlockStoreContract} against the provider that serves the tck target's URI. */
class UriShuffleBlockStoreContract extends ShuffleBlockStoreContract {
    @Override
    protected ShuffleBlockStoreProvider provider() {
        return Lifeboat.shuffleBlockStoreProvider(TckTarget.base());
    }

    @Override
    protected URI newRoot() {
        return TckTarget.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        return TckTarget.optionsFor(provider());
    }
}

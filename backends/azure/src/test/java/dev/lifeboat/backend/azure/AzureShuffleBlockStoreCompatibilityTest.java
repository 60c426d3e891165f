package dev.lifeboat.backend.azure;

import dev.lifeboat.compat.ShuffleBlockStoreContract;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole shuffle block store kit against Azurite. */
class AzureShuffleBlockStoreCompatibilityTest extends ShuffleBlockStoreContract {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    @Override
    protected ShuffleBlockStoreProvider provider() {
        return new AzureShuffleBlockStoreProvider();
    }

    @Override
    protected URI newRoot() {
        return AZURITE.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        return AZURITE.options();
    }
}

package dev.lifeboat.backend.azure;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole checkpoint store kit against Azurite. */
class AzureCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    @Override
    protected CheckpointStoreProvider provider() {
        return new AzureCheckpointStoreProvider();
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

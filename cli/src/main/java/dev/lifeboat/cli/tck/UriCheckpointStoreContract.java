package dev.lifeboat.cli.tck;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.util.Map;

/** The kit's {@link CheckpointStoreContract} against the provider that serves the tck target's URI. */
class UriCheckpointStoreContract extends CheckpointStoreContract {
    @Override
    protected CheckpointStoreProvider provider() {
        return Lifeboat.checkpointStoreProvider(TckTarget.base());
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

package dev.lifeboat.cli.tck;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.net.URI;
import java.util.Map;

/** The kit's {@link WriteAheadLogContract} against the provider that serves the tck target's URI. */
class UriWriteAheadLogContract extends WriteAheadLogContract {
    @Override
    protected WriteAheadLogProvider provider() {
        return Lifeboat.walProvider(TckTarget.base());
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

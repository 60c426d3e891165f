package dev.lifeboat.spi.fault;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Implemented by providers whose storage can be damaged on purpose, for tests and demos.
 * Checked with {@code instanceof}; a provider without it cannot run the kit's damage tests,
 * which then show as skipped.
 */
public interface SupportsFaultInjection {
    /** Faults for the storage at {@code uri}, opened with the same options as the backend. */
    StorageFaults faults(URI uri, Map<String, String> options) throws IOException;
}

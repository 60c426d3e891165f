package dev.lifeboat.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.compat.internal.Kit;
import dev.lifeboat.spi.BackendProvider;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the four contracts of the kit have in common: the hooks a backend's test supplies, the
 * helpers every contract offers its tests and their overrides, and the tests every provider
 * passes whatever it provides — it is found by its scheme, it refuses an option key it does not
 * know, and what it opens declares at least the provider's capabilities.
 *
 * <p>A backend's test never extends this class directly (it is sealed): it extends the contract
 * it implements, {@link WriteAheadLogContract}, {@link CheckpointStoreContract},
 * {@link ShuffleBlockStoreContract} or {@link LeaderElectionContract}, and supplies its provider,
 * a fresh root per call and the options its server needs:
 *
 * <pre>{@code
 * class LocalWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
 *     @TempDir Path dir;
 *     protected WriteAheadLogProvider provider() { return new LocalWriteAheadLogProvider(); }
 *     protected URI newRoot() { return dir.resolve(UUID.randomUUID().toString()).toUri(); }
 * }
 * }</pre>
 *
 * <p>Every instance the kit opens goes through {@link Lifeboat} with {@link #options()} (plus the
 * keys a test needs), so discovery and option-key validation run in every test. Tests of a
 * guarantee the provider does not declare in {@link BackendProvider#capabilities()} are skipped,
 * naming the capability; damage tests need a provider that implements
 * {@link dev.lifeboat.spi.fault.SupportsFaultInjection}. A backend that deviates on purpose
 * overrides the test method and asserts its documented behaviour instead. Every test has a time
 * limit (5 minutes unless a test says otherwise), so a hanging backend fails instead of stalling
 * the build.
 *
 * @param <P> the provider interface of the contract
 * @param <T> what the provider opens
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract sealed class BackendContract<P extends BackendProvider<T>, T extends AutoCloseable>
        permits WriteAheadLogContract, CheckpointStoreContract, ShuffleBlockStoreContract, LeaderElectionContract {

    /** Only the four contracts of this package extend this class. */
    BackendContract() {}

    // ---------------------------------------------------------------- hooks of a backend's test

    /** The provider under test. */
    protected abstract P provider();

    /**
     * A fresh, empty location (a log, a store, an election group) with the provider's scheme.
     * Called at least once per test; every call returns a new location, reachable from another
     * JVM on the same machine (the crash tests reopen it in a child process).
     */
    protected abstract URI newRoot();

    /**
     * Backend options every instance of this test class is opened with (endpoint, credentials,
     * lease tuning...). Tests add the contract's standard keys on top; a key given here is
     * overridden by a test that sets it. The same map is passed to child JVMs.
     */
    protected Map<String, String> options() {
        return Map.of();
    }

    // ---------------------------------------------------------------- what each contract binds

    /** The provider {@link Lifeboat} finds for {@code uri}'s scheme ({@code Lifeboat.xxxProvider}). */
    abstract P discoveredProvider(URI uri);

    /** Opens an instance at {@code root} through {@link Lifeboat} ({@code Lifeboat.openXxx}). */
    abstract T openThroughLifeboat(URI root, Map<String, String> options) throws IOException;

    /** The capabilities {@code instance} declares. */
    abstract Set<Capability> capabilitiesOf(T instance);

    /**
     * What the contract asserts of every freshly opened instance besides its capabilities (its
     * location, its fail-over timeout...); nothing by default.
     */
    void assertOpened(T instance) {}

    // ---------------------------------------------------------------- discovery and options

    @Test
    public void serviceLoaderFindsTheProviderForItsScheme() {
        URI root = newRoot();
        assertThat(root.getScheme())
                .as("scheme of newRoot() %s", root)
                .isEqualToIgnoringCase(provider().scheme());
        assertThat(discoveredProvider(root)).isInstanceOf(provider().getClass());
    }

    @Test
    public void unknownOptionKeyIsRejectedNamingIt() {
        Map<String, String> bad = optionsWith(Map.of("no-such-option", "1"));
        assertThatThrownBy(() -> openThroughLifeboat(newRoot(), bad).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-option");
    }

    @Test
    public void capabilitiesOfAnInstanceIncludeTheProvidersDeclaration() throws Exception {
        T instance = openThroughLifeboat(newRoot(), optionsWith(Map.of()));
        try {
            assertThat(capabilitiesOf(instance)).containsAll(provider().capabilities());
            assertOpened(instance);
        } finally {
            instance.close();
        }
    }

    /** Three rounds of each SIGKILL test by default; {@code -Psoak} runs 200. */
    protected static LongStream sigkillRounds() {
        return Kit.rounds(3);
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** {@link #options()} with {@code extra} on top, in a new mutable map. */
    protected final Map<String, String> optionsWith(Map<String, String> extra) {
        return Kit.merge(options(), extra);
    }

    /** Skips the calling test unless the provider declares {@code capability}. */
    protected final void assumeCapability(Capability capability) {
        Kit.assumeCapability(provider(), capability);
    }

    /** The provider's fault injection for {@code root}; skips the test if it has none. */
    protected final StorageFaults faults(URI root) throws IOException {
        return faults(root, Map.of());
    }

    /**
     * The provider's fault injection for {@code root}, with {@link #options()} and {@code extra};
     * skips the test if it has none.
     */
    protected final StorageFaults faults(URI root, Map<String, String> extra) throws IOException {
        return Kit.faults(provider(), root, optionsWith(extra));
    }
}

package dev.lifeboat.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
    @Test
    void providerIsChosenBySchemeIgnoringCase() {
        assertThat(Lifeboat.walProvider(URI.create("TestWal:/x"))).isInstanceOf(TestProviders.Wal.class);
    }

    @Test
    void unknownSchemeListsSchemesFoundAndNamesTheArtifact() {
        assertThatThrownBy(() -> Lifeboat.walProvider(URI.create("s3://bucket/wal")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'s3'")
                .hasMessageContaining("Schemes found: testwal")
                .hasMessageContaining("dev.lifeboat:lifeboat-backend-s3");
    }

    @Test
    void schemeNobodyShipsNamesTheServicesFileToAdd() {
        assertThatThrownBy(() -> Lifeboat.walProvider(URI.create("tape:/x")))
                .hasMessageContaining("META-INF/services")
                .hasMessageContaining("dev.lifeboat.spi.wal.WriteAheadLogProvider");
    }

    @Test
    void uriWithoutSchemeIsRefusedWithAnExample() {
        assertThatThrownBy(() -> Lifeboat.walProvider(URI.create("/var/lib/wal")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no scheme")
                .hasMessageContaining("file:///");
    }

    @Test
    void twoProvidersForOneSchemeNameBothClasses() {
        assertThatThrownBy(() -> Lifeboat.leaderElectionProvider(URI.create("dup://x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestProviders.DupA.class.getName())
                .hasMessageContaining(TestProviders.DupB.class.getName());
    }

    @Test
    void unknownOptionKeysAreRejectedNamingThemAndTheAcceptedKeys() {
        assertThatThrownBy(() ->
                        Lifeboat.openWriteAheadLog(URI.create("testwal:/x"), Map.of("durabilty", "sync", "zzz", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown options 'durabilty', 'zzz'")
                .hasMessageContaining("Accepted: durability, extra.*");
    }

    @Test
    void knownAndPrefixedKeysReachTheProvider() {
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(
                        URI.create("testwal:/x"), Map.of("durability", "none", "extra.anything", "1")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("test provider opened testwal:/x");
        assertThat(TestProviders.Wal.lastOptions).containsEntry("extra.anything", "1");
    }

    @Test
    void nullArgumentsAreNullPointerExceptionsNamingTheParameter() {
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(URI.create("testwal:/x"), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Map.of()");
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(null, Map.of()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("uri is null");
        java.util.Map<String, String> nullKey = new java.util.HashMap<>();
        nullKey.put(null, "1");
        nullKey.put("no-such-option", "2"); // sorting unknown keys must not meet the null key
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(URI.create("testwal:/x"), nullKey))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null key");
        java.util.Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("durability", null);
        assertThatThrownBy(() -> Lifeboat.openWriteAheadLog(URI.create("testwal:/x"), nullValue))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("'durability' has a null value");
    }
}

package dev.lifeboat.backend.chronicle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChronicleJvmTest {
    @Test
    void theTestJvmHasEveryFlag() throws ClassNotFoundException {
        Module chronicle = Class.forName(
                        "net.openhft.chronicle.core.OS", false, getClass().getClassLoader())
                .getModule();
        assertThat(ChronicleJvm.missingFlags(chronicle)).isEmpty();
        ChronicleJvm.check();
        assertThat(System.getProperty("chronicle.analytics.disable")).isEqualTo("true");
    }

    @Test
    void aModuleNothingIsOpenedToLacksEveryFlag() {
        // A named module of the JDK gets none of the ALL-UNNAMED openings.
        Module named = java.sql.Connection.class.getModule();
        assertThat(ChronicleJvm.missingFlags(named))
                .containsExactly(ChronicleJvm.OPEN_REFLECT, ChronicleJvm.OPEN_NIO, ChronicleJvm.EXPORT_REF);
    }

    @Test
    void theMessageNamesWhatIsMissingAndTheWholeSet() {
        String message = ChronicleJvm.message(List.of(ChronicleJvm.OPEN_NIO));
        assertThat(message)
                .contains("lacks " + ChronicleJvm.OPEN_NIO + ".")
                .contains("Start java with all of: " + String.join(" ", ChronicleJvm.FLAGS))
                .contains("docs/backends/chronicle.md");
    }

    @Test
    void chronicleAnalyticsAreNotOnTheClassPath() {
        assertThat(getClass().getClassLoader().getResource("net/openhft/chronicle/analytics/Analytics.class"))
                .as("net.openhft:chronicle-analytics is excluded")
                .isNull();
    }
}

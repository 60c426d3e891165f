package dev.lifeboat.compat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
    @Test
    void childGetsArgumentsFlagsAndTmpdirAndOnlyWholeLinesArrive() throws Exception {
        try (ChildJvm child = ChildJvm.start(EchoChild.class, List.of("a", "b c"))) {
            assertThat(child.awaitLine("READY", Duration.ofSeconds(60))).isEqualTo("READY a,b c");
            assertThat(child.awaitLine("PROPERTY", Duration.ofSeconds(10)))
                    .as("a -D flag of the parent's command line")
                    .isEqualTo("PROPERTY true");
            assertThat(child.awaitLine("TMPDIR", Duration.ofSeconds(10)))
                    .isEqualTo("TMPDIR " + System.getProperty("java.io.tmpdir"));
            assertThat(child.awaitLine("LINE 0", Duration.ofSeconds(10))).isEqualTo("LINE 0");
            assertThat(Await.until(Duration.ofSeconds(30), () -> child.stderr().contains("something on stderr")))
                    .isTrue();
            assertThat(child.isAlive()).isTrue();
            List<String> rest = new ArrayList<>(child.kill());
            assertThat(child.isAlive()).isFalse();
            assertThat(rest).hasSize(99).startsWith("LINE 1").endsWith("LINE 99");
            assertThat(child.describe()).contains("EchoChild", "something on stderr");
            assertThat(child.nextLine(Duration.ofMillis(50)))
                    .as("the partial line cut by the kill")
                    .isEmpty();
        }
    }

    @Test
    void moduleFlagsOfTheParentArePassedOn() {
        assertThat(ChildJvm.inheritedJvmArgs())
                .as("the surefire argLine's flags, which Chronicle needs in every JVM")
                .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dchronicle.analytics.disable=true");
    }
}

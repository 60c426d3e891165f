package dev.lifeboat.runtime.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class StreamingDemoTest {
    @Test
    void theStandbyTakesOverAKilledLeaderAndTheCountsAreExactlyOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = StreamingDemo.run(
                new PrintStream(bytes, true, StandardCharsets.UTF_8), new String[] {"--records", "300"});
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(out);

        assertThat(status).as(out).isZero();
        assertThat(out)
                .contains("RESULT: exactly-once counts verified")
                .contains("SIGKILL driver-1")
                .contains("driver-2 leads with epoch 2")
                .contains("driver-1 leads with epoch 1")
                .contains("records counted: 300 of 300")
                .contains("took over");
    }

    @Test
    void badArgumentsPrintTheUsage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = StreamingDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), new String[] {"--bogus"});

        assertThat(status).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("unknown argument '--bogus'")
                .contains("usage: lifeboat demo streaming");
    }
}

package dev.lifeboat.runtime.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class WordCountDemoTest {
    @Test
    void theDemoRecoversFromEveryInjectedFaultAndCountsTheSameWords() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = WordCountDemo.run(
                new PrintStream(bytes, true, StandardCharsets.UTF_8), new String[] {"--lines", "4000"});
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(out);

        assertThat(status).as(out).isZero();
        assertThat(out)
                .contains("RESULT: identical to the fault-free run")
                .contains("LOST executor")
                .contains("no heartbeat for")
                .contains("FETCH FAILURE")
                .contains("RESUBMIT stage 0.1")
                .contains("FAILED task 1.")
                .contains("STRAGGLER partition 4 of stage 0")
                .contains("Recomputed: partitions that ran more than once")
                .contains("Recovery cost:")
                .contains("+-(8) MapPartitionsDataset");
    }

    @Test
    void badArgumentsPrintTheUsage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = WordCountDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), new String[] {"--bogus"});

        assertThat(status).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("unknown argument '--bogus'")
                .contains("usage: lifeboat demo");
    }
}

package dev.lifeboat.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void wordCount() throws Exception {
        EventLog log = new EventLog();
        try (Engine engine = TestEngines.start(TestEngines.config(dir), log)) {
            Map<String, Integer> counts = engine.parallelize(List.of("a b", "b c", "c c"), 3)
                    .flatMap(l -> List.of(l.split(" ")))
                    .mapToPair(w -> Pair.of(w, 1))
                    .reduceByKey(Integer::sum, 2)
                    .collectAsMap();
            assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 2, "c", 3));
        }
        System.out.println(log);
    }
}

package dev.lifeboat.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.FencedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesAndSinksTest {
    @TempDir
    Path dir;

    @Test
    void aDirectorySourceIsReplayableAndPicksUpNewFilesInNameOrder() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.write(in.resolve("001.txt"), List.of("a,1", "b,2"));
        Files.write(in.resolve("002.txt"), List.of("a,3"));
        Files.write(in.resolve(".003.txt.tmp"), List.of("ignored,100"));
        DirectorySource source = new DirectorySource(in);
        assertThat(source.latestOffset()).isEqualTo(2);
        assertThat(source.read(0, 2)).containsExactly("a,1", "b,2", "a,3");
        assertThat(source.read(1, 2)).isEqualTo(source.read(1, 2)).containsExactly("a,3");
        assertThatThrownBy(() -> source.read(1, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 3)");

        StreamingQuery.Builder builder = StreamingQuery.builder()
                .checkpoint(dir.resolve("ckpt").toUri(), Map.of())
                .source(source)
                .sink(new FileSink(dir.resolve("out")))
                .maxRecordsPerBatch(1);
        try (StreamingQuery q = builder.open()) {
            q.runUntil(() -> q.committedOffset() == 2);
        }
        Files.move(Files.write(in.resolve(".003.txt.tmp"), List.of("b,10")), in.resolve("003.txt"));
        try (StreamingQuery q = builder.sink(new FileSink(dir.resolve("out"))).open()) {
            assertThat(q.lastCommittedBatch()).isEqualTo(1);
            q.runUntil(() -> q.committedOffset() == 3);
            assertThat(q.state())
                    .containsExactly(
                            Map.entry("a", new RunningAggregate(2, 4)), Map.entry("b", new RunningAggregate(2, 12)));
        }
        assertThat(FileSink.readAll(dir.resolve("out")))
                .containsExactly(
                        Map.entry(0L, List.of("a,1,1", "b,1,2")),
                        Map.entry(1L, List.of("a,2,4")),
                        Map.entry(2L, List.of("b,2,12")));
    }

    @Test
    void theFileSinkWritesABatchOnceRefusesDifferentRowsAndAStaleEpoch() throws Exception {
        FileSink sink = new FileSink(dir.resolve("sink"));
        sink.addBatch(0, 1, List.of("a,1,1"));
        sink.addBatch(0, 1, List.of("a,1,1"));
        assertThatThrownBy(() -> sink.addBatch(0, 1, List.of("a,9,9")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("batch 0 was already written");
        sink.addBatch(1, 2, List.of("a,2,2"));
        assertThatThrownBy(() -> sink.addBatch(2, 1, List.of("a,3,3")))
                .isInstanceOf(FencedException.class)
                .hasMessageContaining("epoch 1")
                .hasMessageContaining("epoch 2");
        assertThat(FileSink.readAll(dir.resolve("sink"))).containsOnlyKeys(0L, 1L);
        try (var files = Files.list(dir.resolve("sink"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp"));
        }
    }

    @Test
    void badSettingsAndRecordsAreRefusedWithTheValue() throws Exception {
        assertThatThrownBy(() -> StreamingQuery.builder().maxRecordsPerBatch(0))
                .hasMessageContaining("maxRecordsPerBatch")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new GeneratorSource(i -> "x", -1)).hasMessageContaining("-1");
        try (StreamingQuery q = StreamingQuery.builder()
                .checkpoint(dir.resolve("bad").toUri(), Map.of())
                .source(new GeneratorSource(i -> "a\tb,1", 1))
                .sink(new FileSink(dir.resolve("bad-out")))
                .open()) {
            assertThatThrownBy(q::runBatch)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad key");
        }
    }
}

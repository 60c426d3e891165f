package dev.lifeboat.runtime;

import dev.lifeboat.runtime.event.EngineEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Run in a JVM of its own by {@link CheckpointTest}: builds the same lineage as the test, asks
 * for the same named checkpoint, and prints what it had to compute.
 */
public final class CheckpointReuseMain {
    /** How many records the map function of {@link #squares} computed in this JVM. */
    static final AtomicInteger COMPUTED = new AtomicInteger();

    private CheckpointReuseMain() {}

    static Dataset<Integer> squares(Engine engine) {
        return engine.parallelize(IntStream.range(0, 100).boxed().toList(), 4).map(x -> {
            COMPUTED.incrementAndGet();
            return x * x;
        });
    }

    /** Args: the test's directory (the checkpoint store is its {@code checkpoints} folder). */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        EventLog log = new EventLog();
        EngineConfig config = TestEngines.config(dir.resolve("child"))
                .set(EngineConfig.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri())
                .build();
        try (Engine engine = Engine.start(config, log)) {
            Dataset<Integer> squares = squares(engine).checkpoint("squares");
            boolean cutBeforeAnyJob = squares.isCheckpointed();
            List<Integer> values = squares.collect();
            System.out.println("cutBeforeAnyJob=" + cutBeforeAnyJob);
            System.out.println("computed=" + COMPUTED.get());
            System.out.println(
                    "sum=" + values.stream().mapToLong(Integer::longValue).sum());
            System.out.println("tasks=" + log.of(EngineEvent.TaskStarted.class).size());
            System.out.println("lineage=" + squares.toDebugString().replace('\n', '|'));
        }
    }
}

package dev.lifeboat.runtime;

import java.io.IOException;
import java.nio.file.Path;

/** Engines for tests: local backends under a test's temporary directory, nothing left running. */
final class TestEngines {
    private TestEngines() {}

    /**
     * Four executors on the local backends. Heartbeats every 50 ms but a 30 s timeout, so a busy
     * machine never loses an executor a test did not kill; tests of the timeout lower it.
     */
    static EngineConfig.Builder config(Path dir) {
        return EngineConfig.builder()
                .set(EngineConfig.EXECUTOR_INSTANCES, 4)
                .set(EngineConfig.LOCAL_DIR, dir.resolve("local"))
                .set(EngineConfig.SHUFFLE_STORE, dir.resolve("shuffle").toUri())
                .set(EngineConfig.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri())
                .set(EngineConfig.HEARTBEAT_INTERVAL, "50ms")
                .set(EngineConfig.NETWORK_TIMEOUT, "30s");
    }

    static Engine start(EngineConfig.Builder config, EventLog log) throws IOException {
        return Engine.start(config.build(), log);
    }
}

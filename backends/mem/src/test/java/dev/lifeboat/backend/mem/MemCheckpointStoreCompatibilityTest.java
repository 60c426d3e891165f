package dev.lifeboat.backend.mem;

import dev.lifeboat.compat.CheckpointStoreContract;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.checkpoint.CheckpointStoreProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The compatibility kit against {@link MemCheckpointStoreProvider}; each test's stores are dropped after it. */
class MemCheckpointStoreCompatibilityTest extends CheckpointStoreContract {
    private final List<URI> roots = new ArrayList<>();

    @Override
    protected CheckpointStoreProvider provider() {
        return new MemCheckpointStoreProvider();
    }

    @Override
    protected URI newRoot() {
        URI root = URI.create("mem:checkpoint-kit/" + UUID.randomUUID());
        roots.add(root);
        return root;
    }

    @AfterEach
    void dropStores() {
        roots.forEach(MemStores::drop);
    }

    /**
     * The kit runs this test in a child JVM that writes to the same URI; a mem store lives in one
     * JVM, so the child's checkpoints are never visible here. Skipped by the capability the test
     * needs (a store shared between processes), which mem does not declare.
     */
    @Override
    @ParameterizedTest(name = "round {0}")
    @MethodSource("sigkillRounds")
    public void sigkillDuringACommitLeavesNothingPartial(long round) throws Exception {
        assumeCapability(Capability.CHECKPOINT_CROSS_PROCESS);
        super.sigkillDuringACommitLeavesNothingPartial(round);
    }

    /** As above: the paused leader is a child JVM, which cannot reach this JVM's memory. */
    @Override
    @ParameterizedTest(name = "round {0}")
    @MethodSource("sigkillRounds")
    public void writerPausedInACommitAndResumedAfterANewerEpochCommittedIsFenced(long round) throws Exception {
        assumeCapability(Capability.CHECKPOINT_CROSS_PROCESS);
        super.writerPausedInACommitAndResumedAfterANewerEpochCommittedIsFenced(round);
    }
}

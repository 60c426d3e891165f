package dev.lifeboat.backend.common.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.OutcomeUnknownException;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a commit whose manifest PUT was refused or unanswered is decided from the stored manifest. */
class AbstractCheckpointWriterSettleTest {
    private static final CheckpointId ID = CheckpointId.of("offsets/7");

    /** A writer whose publish settles against {@code stored}, as an object-store backend does. */
    private static final class Settling extends AbstractCheckpointWriter {
        private final Optional<String> storedAttempt;
        private final OutcomeUnknownException unknown;

        Settling(Optional<String> storedAttempt, OutcomeUnknownException unknown) {
            this(Attempts.newAttemptId(), storedAttempt, unknown);
        }

        Settling(String attemptId, Optional<String> storedAttempt, OutcomeUnknownException unknown) {
            super(ID, 3, attemptId);
            this.storedAttempt = storedAttempt;
            this.unknown = unknown;
        }

        @Override
        protected PartOutput openPartOutput(String name, int index) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            return new PartOutput() {
                @Override
                public OutputStream stream() {
                    return bytes;
                }

                @Override
                public void finish() {}

                @Override
                public void abandon() {}
            };
        }

        @Override
        protected CheckpointInfo publish(CheckpointInfo info) throws IOException {
            Optional<CheckpointInfo> stored = storedAttempt.map(a -> new CheckpointInfo(ID, 3, a, 1L, List.of()));
            Optional<CheckpointInfo> won = settle(stored, unknown);
            if (won.isPresent()) {
                return won.get();
            }
            throw new IOException("refused yet absent");
        }

        @Override
        protected void discard(IOException cause) {}
    }

    @Test
    void thisAttemptsManifestIsTheCommitEvenAfterAnUnansweredPut() throws IOException {
        String attempt = Attempts.newAttemptId();
        Settling w = new Settling(attempt, Optional.of(attempt), new OutcomeUnknownException("lost answer", null));
        assertThat(w.commit().attemptId()).isEqualTo(attempt);
    }

    @Test
    void anotherAttemptsManifestMeansAlreadyCommitted() {
        Settling w = new Settling(Optional.of(Attempts.newAttemptId()), null);
        assertThatThrownBy(w::commit).isInstanceOf(AlreadyCommittedException.class);
    }

    @Test
    void noManifestAfterAnUnansweredPutIsAnUnknownOutcomeNamingTheAttempt() {
        OutcomeUnknownException lost = new OutcomeUnknownException("timeout", null);
        Settling w = new Settling(Optional.empty(), lost);
        assertThatThrownBy(w::commit)
                .isInstanceOf(OutcomeUnknownException.class)
                .hasCause(lost)
                .hasMessage("commit of checkpoint offsets/7 (attempt " + w.attemptId()
                        + ") may or may not have taken effect; reconcile with open(offsets/7)");
    }

    @Test
    void noManifestAfterARefusedPutIsLeftToTheBackend() {
        Settling w = new Settling(Optional.empty(), null);
        assertThatThrownBy(w::commit).isInstanceOf(IOException.class).hasMessage("refused yet absent");
    }

    @Test
    void aFailedReadBackIsThrownAfterARefusalAndAnUnknownOutcomeAfterALostAnswer() {
        Settling w = new Settling(Optional.empty(), null);
        IOException readFailure = new IOException("GET failed");
        assertThatThrownBy(() -> w.readBackFailed(readFailure, null)).isSameAs(readFailure);
        OutcomeUnknownException lost = new OutcomeUnknownException("timeout", null);
        OutcomeUnknownException thrown;
        try {
            thrown = w.readBackFailed(readFailure, lost);
        } catch (IOException e) {
            throw new AssertionError("an unknown outcome is returned, not thrown", e);
        }
        assertThat(thrown).hasCause(lost).hasMessageContaining("attempt " + w.attemptId());
        assertThat(lost.getSuppressed()).containsExactly(readFailure);
    }
}

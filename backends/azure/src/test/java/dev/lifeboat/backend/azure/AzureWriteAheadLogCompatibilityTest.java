package dev.lifeboat.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.compat.WriteAheadLogContract;
import dev.lifeboat.spi.ConcurrentWriterException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.wal.RecordHandle;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole write-ahead log kit against Azurite. */
class AzureWriteAheadLogCompatibilityTest extends WriteAheadLogContract {
    @RegisterExtension
    static final Azurite AZURITE = new Azurite();

    @Override
    protected WriteAheadLogProvider provider() {
        return new AzureWriteAheadLogProvider();
    }

    @Override
    protected URI newRoot() {
        return AZURITE.newRoot();
    }

    @Override
    protected Map<String, String> options() {
        return AZURITE.options();
    }

    /**
     * Deviation: this backend keeps a single writer by fencing, not refusal. A second writer
     * opens (and seals the log's segments); the first fails at its next append with
     * {@link FencedException}, its acknowledged records stay, and the second continues after them.
     */
    @Override
    @Test
    public void secondWriterOnTheSameLogIsRefused() throws IOException {
        URI root = newRoot();
        try (WriteAheadLog first = openLog(root, Map.of())) {
            first.write(ByteBuffer.wrap(record(0)), TS);
            try (WriteAheadLog second = openLog(root, Map.of())) {
                Throwable t = catchThrowable(() -> first.write(ByteBuffer.wrap(record(1)), TS + 1));
                assertThat(t)
                        .as("the first writer's append after a second writer opened")
                        .isInstanceOfAny(FencedException.class, ConcurrentWriterException.class);
                assertThat(second.write(ByteBuffer.wrap(record(2)), TS + 2)).isEqualTo(RecordHandle.of(1));
            }
        } catch (IOException closing) {
            // closing the fenced writer may report its failure again
        }
        try (WriteAheadLog again = openLog(root, Map.of())) {
            assertRecords(again, 0, List.of(record(0), record(2)));
        }
    }
}

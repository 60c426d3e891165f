package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.wal.CloseableIterator;
import dev.lifeboat.spi.wal.LogRecord;
import dev.lifeboat.spi.wal.WriteAheadLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user does first: open a WAL by URI with the embedded backend, append, replay. */
class DownstreamTest {
    @Test
    void opensWalByUriAppendsAndReplays() throws Exception {
        Path dir = Files.createTempDirectory("downstream-wal");
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(dir.toUri(), Map.of())) {
            for (int i = 0; i < 100; i++) {
                wal.write(ByteBuffer.wrap(("record-" + i).getBytes(StandardCharsets.UTF_8)), i);
            }
        }
        List<String> replayed = new ArrayList<>();
        try (WriteAheadLog wal = Lifeboat.openWriteAheadLog(dir.toUri(), Map.of());
                CloseableIterator<LogRecord> records = wal.replayAll()) {
            records.forEachRemaining(r -> replayed.add(new String(r.bytes(), StandardCharsets.UTF_8)));
        }
        assertEquals(100, replayed.size());
        assertEquals("record-0", replayed.get(0));
        assertEquals("record-99", replayed.get(99));
    }
}

package org.example.lifeboat.sqlite;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.CorruptDataException;
import dev.lifeboat.spi.FencedException;
import dev.lifeboat.spi.Names;
import dev.lifeboat.spi.checkpoint.AlreadyCommittedException;
import dev.lifeboat.spi.checkpoint.Checkpoint;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.checkpoint.CheckpointStore;
import dev.lifeboat.spi.checkpoint.CheckpointWriter;
import dev.lifeboat.spi.checkpoint.PartInfo;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * A checkpoint store in five tables. A part streams into {@code chunks} rows (small writes gathered
 * into 1 MiB, a larger write one row of its own), so it is never held in memory. A commit is one
 * transaction that writes the {@code fence} row first (taking SQLite's write lock), checks epoch, id
 * and attempt, and inserts the manifest: a {@code checkpoints} row and one {@code parts} row per
 * part with its length and CRC32C. Every method opens a connection of its own: simple, and safe
 * from any thread.
 */
final class SqliteCheckpointStore implements CheckpointStore {
    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS fence (k INTEGER PRIMARY KEY, epoch INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO fence VALUES (0, 0)",
        "CREATE TABLE IF NOT EXISTS attempts (attempt TEXT PRIMARY KEY, started INTEGER)",
        "CREATE TABLE IF NOT EXISTS chunks (attempt TEXT, part TEXT, seq INTEGER, data BLOB,"
                + " PRIMARY KEY (attempt, part, seq))",
        "CREATE TABLE IF NOT EXISTS checkpoints (id TEXT PRIMARY KEY, attempt TEXT, epoch INTEGER, at INTEGER)",
        "CREATE TABLE IF NOT EXISTS parts (id TEXT, ord INTEGER, name TEXT, length INTEGER, crc INTEGER,"
                + " PRIMARY KEY (id, ord))"
    };

    private final String url;
    private volatile boolean closed;

    SqliteCheckpointStore(String url) throws IOException {
        this.url = url;
        run(c -> {
            for (String sql : SCHEMA) {
                c.createStatement().execute(sql);
            }
            return null;
        });
    }

    private interface Work<T> {
        T apply(Connection c) throws SQLException, IOException;
    }

    /** Runs {@code work} in one transaction on a new connection: committed (and synced) if it returns, else rolled back. */
    private <T> T run(Work<T> work) throws IOException {
        return run(work, "FULL");
    }

    /**
     * Runs {@code work} in one transaction that is not synced: a new attempt or a chunk of a part, which
     * mean nothing until the commit's transaction. SQLite's WAL journal is one file appended in order,
     * so the commit's sync makes them durable with it.
     */
    private <T> T runUnsynced(Work<T> work) throws IOException {
        return run(work, "NORMAL");
    }

    private <T> T run(Work<T> work, String synchronous) throws IOException {
        if (closed) {
            throw new IllegalStateException("checkpoint store " + url + " is closed");
        }
        Properties p = new Properties(); // WAL journal, wait while another process writes
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", synchronous);
        p.setProperty("busy_timeout", "30000");
        // The driver itself rather than DriverManager: works from any class loader (lifeboat tck --classpath).
        try (Connection c = new org.sqlite.JDBC().connect(url, p)) { // statements close with it
            c.setAutoCommit(false);
            T result = work.apply(c);
            c.commit();
            return result; // a connection closed before its commit rolls the transaction back
        } catch (SQLException e) {
            throw new IOException("SQLite " + url + ": " + e.getMessage(), e);
        }
    }

    private static PreparedStatement sql(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
        return s;
    }

    @Override
    public CheckpointWriter begin(CheckpointId id, long epoch) throws IOException {
        requireNonNull(id, "id is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch is negative: " + epoch);
        }
        String attempt = UUID.randomUUID().toString();
        runUnsynced(c -> sql(c, "INSERT INTO attempts VALUES (?, ?)", attempt, System.currentTimeMillis())
                .executeUpdate());
        return new Writer(id, epoch, attempt);
    }

    @Override
    public Optional<Checkpoint> open(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        return run(c -> {
            var r = sql(c, "SELECT attempt, epoch, at FROM checkpoints WHERE id = ?", id.value()).executeQuery();
            if (!r.next()) {
                return Optional.empty();
            }
            List<PartInfo> parts = new ArrayList<>();
            String sql = "SELECT name, length, crc FROM parts WHERE id = ? ORDER BY ord";
            for (var p = sql(c, sql, id.value()).executeQuery(); p.next(); ) {
                parts.add(new PartInfo(p.getString(1), p.getLong(2), p.getInt(3)));
            }
            CheckpointInfo info = new CheckpointInfo(id, r.getLong(2), r.getString(1), r.getLong(3), parts);
            return Optional.of(new Stored(info, this));
        });
    }

    @Override
    public List<CheckpointId> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        List<CheckpointId> ids = run(c -> {
            List<CheckpointId> all = new ArrayList<>();
            for (var r = c.createStatement().executeQuery("SELECT id FROM checkpoints"); r.next(); ) {
                all.add(CheckpointId.of(r.getString(1)));
            }
            return all;
        });
        ids.removeIf(id -> !id.hasPrefix(prefix));
        ids.sort(null); // CheckpointId's natural order: offsets/9 before offsets/10
        return ids;
    }

    @Override
    public boolean delete(CheckpointId id) throws IOException {
        requireNonNull(id, "id is null");
        return run(c -> {
            var r = sql(c, "SELECT attempt FROM checkpoints WHERE id = ?", id.value()).executeQuery();
            String attempt = r.next() ? r.getString(1) : null;
            sql(c, "DELETE FROM checkpoints WHERE id = ?", id.value()).executeUpdate();
            sql(c, "DELETE FROM parts WHERE id = ?", id.value()).executeUpdate();
            return attempt != null && removeAttempt(c, attempt) >= 0;
        });
    }

    @Override
    public int collectGarbage(Duration minAge) throws IOException {
        requireNonNull(minAge, "minAge is null");
        long before = System.currentTimeMillis() - minAge.toMillis();
        String abandoned =
                "SELECT attempt FROM attempts WHERE started <= ? AND attempt NOT IN (SELECT attempt FROM checkpoints)";
        return run(c -> {
            sql(c, "DELETE FROM chunks WHERE attempt IN (" + abandoned + ")", before).executeUpdate();
            return sql(c, "DELETE FROM attempts WHERE attempt IN (" + abandoned + ")", before).executeUpdate();
        });
    }

    private static int removeAttempt(Connection c, String attempt) throws SQLException {
        sql(c, "DELETE FROM chunks WHERE attempt = ?", attempt).executeUpdate();
        return sql(c, "DELETE FROM attempts WHERE attempt = ?", attempt).executeUpdate();
    }

    @Override
    public Set<Capability> capabilities() {
        return SqliteCheckpointStoreProvider.CAPABILITIES;
    }

    @Override
    public void close() {
        closed = true; // open writers can no longer commit; collectGarbage removes their attempts
    }

    /** One attempt: every chunk of a part is one transaction, the commit one more. */
    private final class Writer implements CheckpointWriter {
        private final CheckpointId id;
        private final long epoch;
        private final String attempt;
        private final List<PartInfo> parts = new ArrayList<>();
        private OutputStream open; // the part being written: finished by the next openPart or by commit
        private boolean done;

        Writer(CheckpointId id, long epoch, String attempt) {
            this.id = id;
            this.epoch = epoch;
            this.attempt = attempt;
        }

        @Override
        public CheckpointId id() {
            return id;
        }

        @Override
        public String attemptId() {
            return attempt;
        }

        @Override
        public OutputStream openPart(String name) throws IOException {
            Names.validate("part name", requireNonNull(name, "part name is null"));
            finishPart();
            if (parts.stream().anyMatch(p -> p.name().equals(name))) {
                throw new IllegalArgumentException("part '" + name + "' was already written in attempt " + attempt);
            }
            OutputStream chunks = new OutputStream() { // every write is a row; the buffer gathers small ones
                private final CRC32C crc = new CRC32C();
                private long length;
                private int seq;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    checkLive();
                    byte[] data = Arrays.copyOfRange(b, off, off + len);
                    String sql = "INSERT INTO chunks VALUES (?, ?, ?, ?)";
                    runUnsynced(c -> sql(c, sql, attempt, name, seq, data).executeUpdate());
                    crc.update(data);
                    length += len;
                    seq++;
                }

                @Override
                public void close() { // once: BufferedOutputStream closes what it wraps only once
                    parts.add(new PartInfo(name, length, (int) crc.getValue()));
                }
            };
            return open = new BufferedOutputStream(chunks, 1 << 20);
        }

        private void finishPart() throws IOException {
            checkLive();
            if (open != null) {
                open.close();
                open = null;
            }
        }

        @Override
        public CheckpointInfo commit() throws IOException {
            finishPart();
            done = true;
            CheckpointInfo info = new CheckpointInfo(id, epoch, attempt, System.currentTimeMillis(), parts);
            try {
                return run(c -> {
                    sql(c, "UPDATE fence SET epoch = MAX(epoch, ?) WHERE k = 0", epoch).executeUpdate(); // lock first
                    var f = sql(c, "SELECT epoch FROM fence WHERE k = 0").executeQuery();
                    long newest = f.next() ? f.getLong(1) : 0;
                    if (epoch > 0 && epoch < newest) {
                        throw new FencedException("commit of checkpoint " + id, epoch, newest);
                    }
                    if (sql(c, "SELECT 1 FROM checkpoints WHERE id = ?", id.value()).executeQuery().next()) {
                        throw new AlreadyCommittedException(id);
                    }
                    if (!sql(c, "SELECT 1 FROM attempts WHERE attempt = ?", attempt).executeQuery().next()) {
                        throw new IllegalStateException("attempt " + attempt + " was removed by collectGarbage");
                    }
                    String checkpoint = "INSERT INTO checkpoints VALUES (?, ?, ?, ?)";
                    sql(c, checkpoint, id.value(), attempt, epoch, info.committedAtMillis()).executeUpdate();
                    for (int i = 0; i < parts.size(); i++) {
                        PartInfo p = parts.get(i);
                        String part = "INSERT INTO parts VALUES (?, ?, ?, ?, ?)";
                        sql(c, part, id.value(), i, p.name(), p.length(), p.crc32c()).executeUpdate();
                    }
                    return info;
                });
            } catch (IOException | RuntimeException e) {
                run(c -> removeAttempt(c, attempt)); // refused or failed: the attempt is aborted
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (!done && !closed) { // after the store closed, collectGarbage removes the attempt
                done = true;
                run(c -> removeAttempt(c, attempt));
            }
        }

        private void checkLive() {
            if (done || closed) {
                throw new IllegalStateException("attempt " + attempt + " is committed or aborted, or its store closed");
            }
        }
    }

    /** A committed checkpoint: a part is read chunk by chunk and verified when its end is reached. */
    private record Stored(CheckpointInfo info, SqliteCheckpointStore store) implements Checkpoint {
        @Override
        public InputStream openPart(String name) throws IOException {
            PartInfo part = info.part(requireNonNull(name, "name is null"))
                    .orElseThrow(() -> new NoSuchFileException(info.id() + "/" + name, null, "no such part"));
            return new InputStream() {
                private final CRC32C crc = new CRC32C();
                private InputStream chunk = InputStream.nullInputStream();
                private int seq;
                private long read;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n;
                    while ((n = chunk.read(b, off, len)) <= 0 && len > 0) {
                        String sql = "SELECT data FROM chunks WHERE attempt = ? AND part = ? AND seq = ?";
                        byte[] next = seq < 0 ? null : store.run(c -> {
                            var r = sql(c, sql, info.attemptId(), name, seq++).executeQuery();
                            return r.next() ? r.getBytes(1) : null;
                        });
                        if (next != null) {
                            chunk = new ByteArrayInputStream(next);
                            continue;
                        }
                        seq = -1; // the end: verify what was read against the manifest
                        if (read != part.length() || (int) crc.getValue() != part.crc32c()) {
                            throw new CorruptDataException(info.id() + "/" + name, -1, "checkpoint " + info.id()
                                    + " part " + name + ": read " + read + " bytes, expected " + part.length());
                        }
                        return -1;
                    }
                    crc.update(b, off, n);
                    read += n;
                    return n;
                }
            };
        }
    }
}

/**
 * The write-ahead log contract: {@link dev.lifeboat.spi.wal.WriteAheadLog} appends framed,
 * checksummed records that each get a {@link dev.lifeboat.spi.wal.RecordHandle} (an LSN),
 * makes them durable at an explicit {@link dev.lifeboat.spi.wal.Durability} level, replays them
 * in order through a {@link dev.lifeboat.spi.wal.WriteAheadLogReader}, and truncates whole old
 * segments. Opening a log after a crash cuts a torn tail and says so in its
 * {@link dev.lifeboat.spi.wal.RecoveryReport}. Backends implement
 * {@link dev.lifeboat.spi.wal.WriteAheadLogProvider}.
 *
 * <p><b>Stability.</b> Public API; the interfaces only gain {@code default} methods before 1.0.
 * The record framing is a byte format: a release reads every frame version an earlier release of
 * the same major version wrote.
 */
package dev.lifeboat.spi.wal;

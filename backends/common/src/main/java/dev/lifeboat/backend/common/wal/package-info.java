/**
 * The write-ahead log written once for every byte-storing backend: record framing
 * ({@link dev.lifeboat.backend.common.wal.RecordFrame}: magic, version, length, LSN, timestamp,
 * CRC32C), group commit over a backend's small {@link dev.lifeboat.backend.common.wal.LogStorage}
 * ({@link dev.lifeboat.backend.common.wal.GroupCommitWriteAheadLog}), and the segment scanner that
 * tells a torn tail from corruption. A backend supplies storage primitives and inherits the
 * protocol.
 */
package dev.lifeboat.backend.common.wal;

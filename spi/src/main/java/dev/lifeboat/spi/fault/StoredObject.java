package dev.lifeboat.spi.fault;

import static java.util.Objects.requireNonNull;

/**
 * One file or object a backend stores, as seen by fault injection.
 *
 * @param kind what it holds
 * @param name its backend-specific name (path or key). Backends use this same string as
 *     {@link dev.lifeboat.spi.CorruptDataException#location()} and
 *     {@link dev.lifeboat.spi.wal.RecoveryReport.TornTail#segment()} when they report damage in
 *     it, so tools can tie a report to the object
 * @param key what it belongs to: the first LSN of a WAL segment, {@code id/part} of a checkpoint
 *     part, the checkpoint id of a checkpoint manifest, {@code shuffleId/mapId} of a shuffle
 *     output
 * @param length its length in bytes
 */
public record StoredObject(StoredKind kind, String name, String key, long length) {
    public StoredObject {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(key, "key is null");
    }
}

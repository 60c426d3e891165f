package dev.lifeboat.spi.fault;

/** What a stored object holds, so fault injection can target the right one. */
public enum StoredKind {
    WAL_SEGMENT,
    CHECKPOINT_MANIFEST,
    CHECKPOINT_PART,
    SHUFFLE_DATA,
    SHUFFLE_INDEX,
    ELECTION_STATE,
    OTHER,
}

package dev.lifeboat.spi.checkpoint;

import java.nio.file.FileAlreadyExistsException;

/**
 * A commit lost the put-if-absent race: the checkpoint id was already committed (by another
 * attempt, writer or driver). The loser's parts are discarded; the committed checkpoint is
 * unchanged.
 */
public class AlreadyCommittedException extends FileAlreadyExistsException {
    private static final long serialVersionUID = 1L;

    private final transient CheckpointId id;

    public AlreadyCommittedException(CheckpointId id) {
        super(id.value(), null, "checkpoint '" + id + "' is already committed");
        this.id = id;
    }

    public CheckpointId id() {
        return id;
    }
}

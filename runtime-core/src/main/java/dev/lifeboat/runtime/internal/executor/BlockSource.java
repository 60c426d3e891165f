package dev.lifeboat.runtime.internal.executor;

/** Finds blocks stored on executors (locally checkpointed partitions), wherever they are. */
public interface BlockSource {
    /**
     * Returns the bytes of block {@code key} ({@code what} names it in messages).
     *
     * @throws dev.lifeboat.runtime.CheckpointUnavailableException if no live executor holds it;
     *     the message says which executor held it and why it is gone
     */
    byte[] fetch(String key, String what);
}

package dev.lifeboat.spi.checkpoint;

import dev.lifeboat.spi.BackendProvider;

/**
 * Opens checkpoint stores of one URI scheme. Registered in
 * {@code META-INF/services/dev.lifeboat.spi.checkpoint.CheckpointStoreProvider}.
 * {@code open} creates the store if absent.
 */
public interface CheckpointStoreProvider extends BackendProvider<CheckpointStore> {}

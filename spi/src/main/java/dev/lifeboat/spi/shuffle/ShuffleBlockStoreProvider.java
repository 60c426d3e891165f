package dev.lifeboat.spi.shuffle;

import dev.lifeboat.spi.BackendProvider;

/**
 * Opens shuffle block stores of one URI scheme. Registered in
 * {@code META-INF/services/dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider}.
 */
public interface ShuffleBlockStoreProvider extends BackendProvider<ShuffleBlockStore> {}

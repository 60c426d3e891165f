/**
 * What the object-store backends (S3, Azure Blob) share beyond byte formats: a checkpoint store
 * whose backend supplies only its storage calls and its commit
 * ({@link dev.lifeboat.backend.common.objectstore.ObjectStoreCheckpointStore}), the checkpoint key
 * scheme ({@link dev.lifeboat.backend.common.objectstore.CheckpointKeys}), listing committed
 * checkpoints and collecting abandoned attempts
 * ({@link dev.lifeboat.backend.common.objectstore.ObjectStoreCheckpoints}) over the few storage
 * calls a backend supplies ({@link dev.lifeboat.backend.common.objectstore.CheckpointObjects}),
 * and reading the options every object-store client has
 * ({@link dev.lifeboat.backend.common.objectstore.ClientOptions}). The commit and its fencing stay
 * in each backend: they rest on what its storage offers (conditional writes, leases).
 */
package dev.lifeboat.backend.common.objectstore;

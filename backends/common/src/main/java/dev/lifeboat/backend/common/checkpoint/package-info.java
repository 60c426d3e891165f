/**
 * Shared checkpoint formats: the manifest codec (parts with their lengths and CRC32C, the writer's
 * epoch) and unique attempt names, so that every backend publishes and verifies checkpoints the
 * same way.
 */
package dev.lifeboat.backend.common.checkpoint;

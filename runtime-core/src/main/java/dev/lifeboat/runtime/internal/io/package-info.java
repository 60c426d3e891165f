/** Byte formats of the engine's own data: how records and checkpointed partitions are encoded into the SPI's stores. Not API. */
package dev.lifeboat.runtime.internal.io;

/** Streams that count and checksum (CRC32C) what passes through them, and verify it against what a manifest or index promised. */
package dev.lifeboat.backend.common.io;

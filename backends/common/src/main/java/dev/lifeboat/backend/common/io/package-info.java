/**
 * Streams that count and checksum (CRC32C) what passes through them, and verify it against what a
 * manifest or index promised; closing several resources without losing a failure.
 */
package dev.lifeboat.backend.common.io;

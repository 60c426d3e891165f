/**
 * Lifeboat on a local file system, scheme {@code file} — the embedded default: write-ahead logs
 * (segment files, fsync), checkpoint stores (a hard link to an fsynced manifest as the commit
 * point: put-if-absent between threads and processes, epoch-fenced), shuffle block stores (blocks
 * live as long as their executor's disk) and leader election (file locks with epochs). Options,
 * capabilities and durability levels are documented in {@code docs/backends/local.md}.
 */
package dev.lifeboat.backend.local;

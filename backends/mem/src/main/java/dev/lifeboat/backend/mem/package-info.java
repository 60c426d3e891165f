/**
 * The in-memory backend, scheme {@code mem}: all four contracts in the memory of one JVM, for
 * unit tests of code that uses Lifeboat. {@code mem:<name>} (or {@code mem://<name>}) names one
 * store shared by every instance opened on it in the JVM, so reopening sees what was written;
 * {@link dev.lifeboat.backend.mem.MemStores} drops stores, and {@link
 * dev.lifeboat.backend.mem.MemFaults} damages them the way crashes and bad disks do. Nothing
 * survives the JVM, and the declared capabilities say so. See {@code docs/backends/mem.md}.
 */
package dev.lifeboat.backend.mem;

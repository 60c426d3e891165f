/**
 * The in-memory backend's implementation: named stores of objects shared by every instance in
 * the JVM, the write-ahead log storage, checkpoint store, shuffle block store and election group
 * over them. Not API.
 */
package dev.lifeboat.backend.mem.internal;

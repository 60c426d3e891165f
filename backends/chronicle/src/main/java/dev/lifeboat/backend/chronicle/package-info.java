/**
 * Lifeboat's write-ahead log on Chronicle Queue, scheme {@code chronicle}: Lifeboat frames inside
 * Chronicle excerpts, an exact mapping between LSNs and Chronicle indexes, {@code sync} as an
 * fdatasync of the cycle files. Chronicle needs JVM flags on Java 17; they, the options and the
 * one deviation from the kit are documented in {@code docs/backends/chronicle.md}.
 */
package dev.lifeboat.backend.chronicle;

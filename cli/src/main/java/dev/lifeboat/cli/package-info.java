/** The {@code lifeboat} command: {@code demo}, {@code inspect} (verifies every checksum of what is stored at a URI) and the launcher of the benchmarks. */
package dev.lifeboat.cli;

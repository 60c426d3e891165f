/** Write-ahead log suites: append at each durability level, with 1 to 16 writers, and replay, beside raw write + force and raw reads. */
package dev.lifeboat.benchmarks.wal;

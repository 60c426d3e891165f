/** Checkpoint commit and read suites, beside raw write + force and raw read. */
package dev.lifeboat.benchmarks.checkpoint;

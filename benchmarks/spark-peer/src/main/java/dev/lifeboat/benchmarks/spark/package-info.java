/**
 * Spark's own write-ahead logs ({@code FileBasedWriteAheadLog}, {@code BatchedWriteAheadLog}),
 * Structured Streaming's default {@code CheckpointFileManager} and Spark's default sort shuffle
 * measured as the peers, in their own module so Spark stays out of the main benchmark jar.
 */
package dev.lifeboat.benchmarks.spark;

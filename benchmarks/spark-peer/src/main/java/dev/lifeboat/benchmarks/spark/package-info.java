/** Spark's own write-ahead logs ({@code FileBasedWriteAheadLog}, {@code BatchedWriteAheadLog}) measured as the peer, in their own module so Spark stays out of the main benchmark jar. */
package dev.lifeboat.benchmarks.spark;

/**
 * Spark's own write-ahead logs ({@code FileBasedWriteAheadLog}, {@code BatchedWriteAheadLog}),
 * Structured Streaming's default {@code CheckpointFileManager} and Spark's default sort shuffle
 * measured as the peers, in their own module so Spark stays out of the main benchmark jar. The
 * storage servers that cannot share Spark's class path (MiniDFSCluster, S3Proxy) run in their own
 * JVM ({@code dev.lifeboat.spark.test.ServerJvm}, shared with the Spark tests).
 */
package dev.lifeboat.benchmarks.spark;

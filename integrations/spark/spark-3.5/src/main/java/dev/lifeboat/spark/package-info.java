/**
 * Lifeboat under Apache Spark 3.5 and 4.0 (and, through {@code lifeboat-spark-4.1}, later lines),
 * through the plug-in points Spark already has: {@link dev.lifeboat.spark.LifeboatCheckpointFileManager}
 * for Structured Streaming checkpoints ({@code spark.sql.streaming.checkpointFileManagerClass}),
 * {@link dev.lifeboat.spark.LifeboatDriverWriteAheadLog} and
 * {@link dev.lifeboat.spark.LifeboatReceiverWriteAheadLog} for Spark Streaming's write-ahead logs,
 * and {@link dev.lifeboat.spark.LifeboatShuffleManager} with
 * {@link dev.lifeboat.spark.LifeboatShuffleDataIO} for shuffle blocks on a Lifeboat shuffle
 * block store. Each is chosen by configuration alone; the keys are in {@code docs/spark.md}.
 */
package dev.lifeboat.spark;

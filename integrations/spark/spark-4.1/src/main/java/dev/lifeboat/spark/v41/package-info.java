/**
 * Lifeboat under Apache Spark 4.1 and later: the checkpoint file manager for the interface Spark
 * 4.1 moved. The write-ahead logs and the shuffle are those of {@code dev.lifeboat.spark} (in
 * {@code lifeboat-spark-3.5}, a dependency of this artifact), whose Spark APIs did not change.
 */
package dev.lifeboat.spark.v41;

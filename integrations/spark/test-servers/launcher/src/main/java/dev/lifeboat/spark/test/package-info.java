/**
 * Storage servers (MiniDFSCluster, S3Proxy) in their own JVMs, for the Spark tests and the Spark
 * peer benchmarks: their Hadoop, Jackson and Jetty cannot share a class path with Spark. Not
 * published; no stability promise.
 */
package dev.lifeboat.spark.test;

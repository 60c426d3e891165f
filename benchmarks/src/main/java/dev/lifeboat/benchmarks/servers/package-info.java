/** The real servers the benchmarks run against (MiniDFSCluster, S3Proxy, ZooKeeper), in the benchmark JVM. */
package dev.lifeboat.benchmarks.servers;

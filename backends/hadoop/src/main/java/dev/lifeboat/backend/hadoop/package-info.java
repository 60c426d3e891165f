/**
 * Lifeboat on Hadoop file systems, schemes {@code hdfs} and {@code hadoop:<any Hadoop URI>}:
 * write-ahead logs (hflush/hsync, a writer lock with lease recovery), checkpoint stores and
 * shuffle block stores published by rename-if-absent. Options and capabilities, read from the
 * file system's stream capabilities, are documented in {@code docs/backends/hadoop.md}.
 */
package dev.lifeboat.backend.hadoop;

package dev.lifeboat.spark;

import org.apache.spark.SparkConf;

/**
 * The driver's write-ahead log ({@code spark.streaming.driver.writeAheadLog.class}): one Lifeboat
 * log at {@value #URI_KEY}, reopened by a restarted driver to recover its received-block
 * metadata. Spark wraps it in its batching log unless
 * {@code spark.streaming.driver.writeAheadLog.allowBatching=false}.
 */
public class LifeboatDriverWriteAheadLog extends LifeboatWriteAheadLog {
    /** The driver log's URI. */
    public static final String URI_KEY = "spark.lifeboat.wal.driver.uri";

    /** The constructor Spark calls. */
    public LifeboatDriverWriteAheadLog(SparkConf conf) {
        super(uri(conf, URI_KEY), conf);
    }
}

package dev.lifeboat.spark;

import org.apache.spark.SparkConf;

/**
 * A receiver's write-ahead log ({@code spark.streaming.receiver.writeAheadLog.class}). Spark
 * makes one instance per receiver, and more only to read records back by handle, without telling
 * any of them the stream: so each instance writes its own log,
 * {@code <spark.lifeboat.wal.receiver.uri>/executor-<id>-<random>}, and receivers on one executor
 * never share a writer. Handles name that log, so any instance reads any receiver's records.
 * Logs of receivers that are gone stay until they are removed with the checkpoint.
 */
public class LifeboatReceiverWriteAheadLog extends LifeboatWriteAheadLog {
    /** The folder (URI) below which each receiver instance writes its own log. */
    public static final String URI_KEY = "spark.lifeboat.wal.receiver.uri";

    /** The constructor Spark calls. */
    public LifeboatReceiverWriteAheadLog(SparkConf conf) {
        super(child(uri(conf, URI_KEY), uniqueName()), conf);
    }
}

package dev.lifeboat.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import org.apache.spark.SparkContext;

/**
 * The Spark line these tests run on (the same test sources run on 3.5, 4.0, and 4.1 and later),
 * and which stores each driver fault test covers on it.
 *
 * <p>The driver kill and race tests start real driver JVMs, each a Spark session: every line
 * times every store would cost minutes per line. The default run therefore rotates: each store is
 * covered on at least one line and each line with at least one store, and one pair gets the full
 * ten kills. Under {@code -Psoak} (the system property {@code lifeboat.soak.rounds} set) every
 * line runs every store.
 */
final class SparkLine {
    /** The stores the driver fault tests run on. */
    enum Store {
        LOCAL,
        S3,
        HDFS
    }

    /** The full number of driver kills per store, as in a soak run. */
    static final int FULL_KILLS = 10;

    /** Driver kills per store in the default run, where a store is not the line's full-kill store. */
    static final int FEW_KILLS = 3;

    /** Spark's version on the class path, e.g. {@code 4.1.1}. */
    static final String VERSION = version();

    /** The line: {@code major.minor} of {@link #VERSION}. */
    static final String LINE = VERSION.substring(0, VERSION.indexOf('.', VERSION.indexOf('.') + 1));

    private static final Integer SOAK_ROUNDS = Integer.getInteger("lifeboat.soak.rounds");

    private SparkLine() {}

    /** Whether this is a soak run (every store on every line). */
    static boolean soak() {
        return SOAK_ROUNDS != null;
    }

    /**
     * The class name of Lifeboat's checkpoint manager for this line: Spark 4.1 moved the
     * interface, and the 4.1 artifact implements the moved one.
     */
    static String checkpointManager() {
        try {
            Class.forName(
                    "org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager",
                    false,
                    SparkLine.class.getClassLoader());
            return "dev.lifeboat.spark.v41.LifeboatCheckpointFileManager";
        } catch (ClassNotFoundException e) {
            return "dev.lifeboat.spark.LifeboatCheckpointFileManager";
        }
    }

    /** The stores the driver kill test runs on, on this line. */
    static List<Store> killStores() {
        if (soak()) {
            return List.of(Store.values());
        }
        return switch (LINE) {
            case "3.5" -> List.of(Store.S3);
            case "4.0" -> List.of(Store.HDFS);
            default -> List.of(Store.LOCAL);
        };
    }

    /**
     * Driver kills on {@code store}: the ten on S3 under Spark 3.5 (the store where
     * Spark's own managers cannot promise put-if-absent) and in soak runs, a few elsewhere.
     */
    static int kills(Store store) {
        if (soak()) {
            return Math.min(SOAK_ROUNDS, FULL_KILLS);
        }
        return LINE.equals("3.5") && store == Store.S3 ? FULL_KILLS : FEW_KILLS;
    }

    /** The stores the two-driver race runs on, on this line (another rotation than the kills'). */
    static List<Store> raceStores() {
        if (soak()) {
            return List.of(Store.values());
        }
        return switch (LINE) {
            case "3.5" -> List.of(Store.LOCAL);
            case "4.0" -> List.of(Store.S3);
            default -> List.of(Store.HDFS);
        };
    }

    private static String version() {
        // Spark's own build information, in spark-core on every line.
        try (InputStream in = SparkContext.class.getResourceAsStream("/spark-version-info.properties")) {
            if (in == null) {
                throw new IllegalStateException("spark-version-info.properties is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version");
            if (version == null || version.chars().filter(c -> c == '.').count() < 2) {
                throw new IllegalStateException("Spark version " + version + " in spark-version-info.properties");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.lifeboat.spark.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.apache.spark.Aggregator;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.MapStatus$;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.util.collection.ExternalSorter;
import scala.Option;
import scala.math.Ordering;

/**
 * Spark internals the shuffle calls whose signatures differ between the Spark lines this jar runs
 * on. Spark 4.1 appended a parameter with a default value (a checksum) to {@code
 * MapStatus.apply(location, sizes, mapTaskId)} and to {@code ExternalSorter}'s constructor, so
 * the calls compiled against 3.5 do not link there. Each is looked up once, by its parameters,
 * and called with Spark's own default for the appended one.
 */
final class SparkLines {
    private static final MethodHandle MAP_STATUS = mapStatus();
    private static final MethodHandle SORTER = sorter();

    private SparkLines() {}

    /** Spark's map status for a map output of {@code sizes} at {@code location}. */
    static org.apache.spark.scheduler.MapStatus mapStatus(BlockManagerId location, long[] sizes, long mapTaskId) {
        try {
            return (org.apache.spark.scheduler.MapStatus) MAP_STATUS.invoke(location, sizes, mapTaskId);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("MapStatus.apply failed", e);
        }
    }

    /** Spark's external sorter, as {@code new ExternalSorter(context, aggregator, partitioner, ordering, serializer)}. */
    @SuppressWarnings("unchecked")
    static <K, V, C> ExternalSorter<K, V, C> sorter(
            TaskContext context,
            Option<Aggregator<K, V, C>> aggregator,
            Option<Partitioner> partitioner,
            Option<Ordering<K>> ordering,
            Serializer serializer) {
        try {
            return (ExternalSorter<K, V, C>) SORTER.invoke(context, aggregator, partitioner, ordering, serializer);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("new ExternalSorter failed", e);
        }
    }

    private static MethodHandle mapStatus() {
        try {
            for (Method m : MapStatus$.class.getMethods()) {
                Class<?>[] p = m.getParameterTypes();
                if (m.getName().equals("apply")
                        && p.length >= 3
                        && p[0] == BlockManagerId.class
                        && p[1] == long[].class
                        && p[2] == long.class) {
                    MethodHandle h = MethodHandles.publicLookup().unreflect(m).bindTo(MapStatus$.MODULE$);
                    return withDefaults(
                            h,
                            3,
                            p.length,
                            i -> MapStatus$.class
                                    .getMethod("apply$default$" + (i + 1))
                                    .invoke(MapStatus$.MODULE$));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Spark's MapStatus.apply cannot be called", e);
        }
        throw new IllegalStateException("this Spark's MapStatus has no apply(BlockManagerId, long[], long, ...)");
    }

    private static MethodHandle sorter() {
        try {
            for (Constructor<?> c : ExternalSorter.class.getConstructors()) {
                Class<?>[] p = c.getParameterTypes();
                if (p.length >= 5 && p[0] == TaskContext.class && p[4] == Serializer.class) {
                    MethodHandle h = MethodHandles.publicLookup().unreflectConstructor(c);
                    return withDefaults(
                            h,
                            5,
                            p.length,
                            i -> ExternalSorter.class
                                    .getMethod("$lessinit$greater$default$" + (i + 1))
                                    .invoke(null));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Spark's ExternalSorter cannot be constructed", e);
        }
        throw new IllegalStateException("this Spark's ExternalSorter has no constructor Lifeboat knows: "
                + Arrays.toString(ExternalSorter.class.getConstructors()));
    }

    /** {@code handle} with the parameters from {@code known} to {@code count} bound to Scala's defaults. */
    private static MethodHandle withDefaults(MethodHandle handle, int known, int count, DefaultValue defaults)
            throws ReflectiveOperationException {
        Object[] values = new Object[count - known];
        for (int i = known; i < count; i++) {
            values[i - known] = defaults.of(i);
        }
        return MethodHandles.insertArguments(handle, known, values);
    }

    @FunctionalInterface
    private interface DefaultValue {
        /** Scala's default value of parameter {@code index} (0-based). */
        Object of(int index) throws ReflectiveOperationException;
    }
}

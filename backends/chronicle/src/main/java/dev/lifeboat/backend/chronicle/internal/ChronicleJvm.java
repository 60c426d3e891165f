package dev.lifeboat.backend.chronicle.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What the JVM must grant Chronicle Queue before any of its classes run: three module flags on
 * Java 17 and usage analytics off. Checked before the first Chronicle class is initialised, so a
 * missing flag is one clear message instead of a stack trace from Chronicle's internals (or, for
 * a missing {@code sun.nio.ch} opening, a queue that silently falls back to read-only).
 */
public final class ChronicleJvm {
    /** Opens {@code java.lang.reflect} to Chronicle (its reflective access to private members). */
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Opens {@code sun.nio.ch} to Chronicle (it maps files through {@code FileChannelImpl.map0}). */
    public static final String OPEN_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Exports {@code jdk.internal.ref} to Chronicle (it releases direct buffers with the JDK's cleaner). */
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** Turns off Chronicle's usage analytics. */
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    /** Every flag, in the order the documentation gives them. */
    public static final List<String> FLAGS = List.of(OPEN_REFLECT, OPEN_NIO, EXPORT_REF, NO_ANALYTICS);

    static final String ANALYTICS_PROPERTY = "chronicle.analytics.disable";
    /**
     * Chronicle's orphan tracking of thread-local state scans every tracked thread local each
     * time a cycle file is opened, which grows quadratically with the cycle files a process
     * opens (minutes for a few hundred). Off unless the property is set.
     */
    static final String ORPHAN_TRACKING_PROPERTY = "disable.ctl.orphan.tracking";

    private static final String PROBE_CLASS = "net.openhft.chronicle.core.OS";

    private ChronicleJvm() {}

    /**
     * Fails unless this JVM gives Chronicle's classes the module access they need, and turns
     * Chronicle's usage analytics off for this JVM (the artifact also leaves the analytics library
     * out, so nothing could be sent even when the property was forgotten) and its thread-local
     * orphan tracking, unless the property was set.
     *
     * @throws IllegalStateException naming every missing flag and the whole set to add
     */
    public static void check() {
        List<String> missing = missingFlags(moduleOfChronicle());
        if (!missing.isEmpty()) {
            throw new IllegalStateException(message(missing));
        }
        if (!Boolean.getBoolean(ANALYTICS_PROPERTY)) {
            System.setProperty(ANALYTICS_PROPERTY, "true");
        }
        if (System.getProperty(ORPHAN_TRACKING_PROPERTY) == null) {
            System.setProperty(ORPHAN_TRACKING_PROPERTY, "true");
        }
    }

    /** The module flags {@code chronicle} lacks in this JVM, as they should be written. */
    static List<String> missingFlags(Module chronicle) {
        Module base = Object.class.getModule();
        List<String> missing = new ArrayList<>();
        if (!base.isOpen("java.lang.reflect", chronicle)) {
            missing.add(OPEN_REFLECT);
        }
        if (!base.isOpen("sun.nio.ch", chronicle)) {
            missing.add(OPEN_NIO);
        }
        if (!base.isExported("jdk.internal.ref", chronicle)) {
            missing.add(EXPORT_REF);
        }
        return missing;
    }

    static String message(List<String> missing) {
        return "Chronicle Queue (scheme 'chronicle') cannot run in this JVM: it lacks " + String.join(" ", missing)
                + ". Start java with all of: " + String.join(" ", FLAGS)
                + " (for example in JDK_JAVA_OPTIONS, surefire's argLine or JMH's jvmArgsAppend;"
                + " the lifeboat launcher adds them). See docs/backends/chronicle.md.";
    }

    /** The module Chronicle's classes are in, found without initialising any of them. */
    private static Module moduleOfChronicle() {
        ClassLoader loader = ChronicleJvm.class.getClassLoader();
        try {
            return Class.forName(PROBE_CLASS, false, loader).getModule();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "Chronicle Queue is not on the class path (" + PROBE_CLASS
                            + " not found): add net.openhft:chronicle-queue, which lifeboat-backend-chronicle depends on",
                    e);
        }
    }
}

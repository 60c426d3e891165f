package dev.lifeboat.benchmarks.report;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What a run ran on: cores, CPU, memory, JDK, OS, the disk the benchmarks wrote to, the load. */
public final class Machine {
    private Machine() {}

    /** Best-effort facts, keyed by what the report prints; anything unknown says so. */
    public static Map<String, String> describe(Path benchDir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(
                "date",
                ZonedDateTime.now(ZoneId.systemDefault())
                        .truncatedTo(ChronoUnit.SECONDS)
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        m.put(
                "memory",
                firstValue(Path.of("/proc/meminfo"), "MemTotal")
                        .map(Machine::kibToGib)
                        .orElse("unknown"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")");
        m.put("disk", disk(benchDir));
        m.put("bench dir", benchDir.toAbsolutePath().toString());
        m.put("load average", loadAverage());
        return m;
    }

    /** The 1, 5 and 15 minute load averages, or "unknown". */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", -1);
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String disk(Path dir) {
        try {
            Path existing = dir.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return "unknown";
            }
            FileStore store = Files.getFileStore(existing);
            StringBuilder d = new StringBuilder(store.name() + ", " + store.type());
            String device = store.name().replaceFirst("^/dev/", "");
            Path block = blockDevice(device);
            if (block != null) {
                read(block.resolve("queue/rotational"))
                        .ifPresent(r -> d.append(r.equals("0") ? ", SSD" : ", rotational"));
                read(block.resolve("device/model"))
                        .ifPresent(model -> d.append(", ").append(model));
                read(block.resolve("size"))
                        .ifPresent(sectors -> d.append(String.format(
                                Locale.ROOT, ", %.0f GiB", Long.parseLong(sectors) * 512.0 / (1L << 30))));
            }
            return d.toString();
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** /sys/block/<device>, or that of the disk a partition (vda1, nvme0n1p2, sda3) is on. */
    private static Path blockDevice(String device) {
        if (device.isEmpty() || device.contains("/")) {
            return null;
        }
        for (String candidate : List.of(device, device.replaceFirst("p?\\d+$", ""))) {
            Path p = Path.of("/sys/block", candidate);
            if (!candidate.isEmpty() && Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    private static Optional<String> read(Path p) {
        try {
            String s = Files.readString(p).trim();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return Optional.of(line.substring(colon + 1).trim());
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String kibToGib(String value) {
        String number = value.replaceAll("[^0-9]", "");
        return number.isEmpty()
                ? value
                : String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(number) / (1024.0 * 1024.0));
    }
}

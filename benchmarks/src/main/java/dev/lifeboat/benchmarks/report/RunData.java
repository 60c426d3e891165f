package dev.lifeboat.benchmarks.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a report is made from: JMH results, the run's description ({@code meta.properties}: profile,
 * command, times, machine) and the stack profiles of missed targets ({@code profiles/<target>.txt}).
 *
 * @param results every JMH result, in file order
 * @param meta the keys profile, command, started, finished, elapsed, failed, and
 *     {@code machine.<fact>} (see {@link Machine})
 * @param profiles JMH's output of a profiled run, by target id
 */
public record RunData(List<Result> results, Map<String, String> meta, Map<String, String> profiles) {
    public static final String META = "meta.properties";
    public static final String PROFILES = "profiles";

    public RunData {
        results = List.copyOf(results);
        meta = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        profiles = Map.copyOf(profiles);
    }

    /**
     * Loads results directories (every {@code *.json}, {@code meta.properties} and
     * {@code profiles/*.txt} in them) and single JSON files, in the order given.
     *
     * @throws IllegalArgumentException if an input does not exist or holds no result
     */
    public static RunData load(List<Path> inputs) throws IOException {
        List<Result> results = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, String> profiles = new TreeMap<>();
        for (Path in : inputs) {
            requireNonNull(in, "input is null");
            if (Files.isDirectory(in)) {
                Path metaFile = in.resolve(META);
                if (Files.isRegularFile(metaFile)) {
                    meta.putAll(readMeta(metaFile));
                }
                for (Path json : list(in, ".json")) {
                    results.addAll(read(json));
                }
                Path profileDir = in.resolve(PROFILES);
                if (Files.isDirectory(profileDir)) {
                    for (Path p : list(profileDir, ".txt")) {
                        String name = p.getFileName().toString();
                        profiles.put(name.substring(0, name.length() - 4), Files.readString(p));
                    }
                }
            } else if (Files.isRegularFile(in)) {
                results.addAll(read(in));
            } else {
                throw new IllegalArgumentException("no such results directory or JSON file: " + in);
            }
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no JMH results in " + inputs);
        }
        return new RunData(results, meta, profiles);
    }

    /** The same data with {@code key} set in the meta data. */
    public RunData withMeta(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put(key, value);
        return new RunData(results, m, profiles);
    }

    /** Machine facts recorded with the run ({@code machine.*}), in recorded order. */
    public Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("machine.")) {
                m.put(k.substring("machine.".length()), v);
            }
        });
        return m;
    }

    /** Writes {@code meta} as {@code meta.properties} in {@code dir}, keys in order. */
    public static void writeMeta(Path dir, Map<String, String> meta) throws IOException {
        StringBuilder s =
                new StringBuilder("# What this benchmark run was and ran on (read by the report generator).\n");
        meta.forEach((k, v) ->
                s.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        Files.writeString(dir.resolve(META), s.toString(), StandardCharsets.ISO_8859_1);
    }

    /** Reads a file written by {@link #writeMeta}, keeping its order (which Properties does not). */
    private static Map<String, String> readMeta(Path file) throws IOException {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Properties one = new Properties();
            one.load(new StringReader(line));
            for (String k : one.stringPropertyNames()) {
                ordered.put(k, one.getProperty(k));
            }
        }
        return ordered;
    }

    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '=', ':', ' ' -> b.append(key ? "\\" + c : String.valueOf(c));
                default -> {
                    if (c > 0x7e || c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static List<Result> read(Path json) throws IOException {
        String text = Files.readString(json);
        if (text.isBlank()) {
            throw new IllegalArgumentException(
                    json + " is empty: the JMH run that writes it did not finish; run it again or delete the file");
        }
        try {
            return Result.read(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }
}

package dev.lifeboat.spi;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * Validation of the {@code /}-separated names that address stored things (checkpoint ids, part
 * names). A valid name has no empty segment, no {@code .} or {@code ..} segment, no leading or
 * trailing {@code /}, no backslash, no control character and no unpaired UTF-16 surrogate, so it
 * can never escape the store's root on any backend and its UTF-8 form names it alone.
 *
 * <p><b>Length</b> is limited in bytes of the UTF-8 encoding, because that is what storage
 * names are made of: at most {@value #MAX_BYTES} bytes in all and {@value #MAX_SEGMENT_BYTES}
 * bytes per segment ({@code "é"} is 2 bytes, {@code "😀"} 4). Every backend escapes a byte into at
 * most three characters, so a valid segment stays within the 255-byte file names of common file
 * systems and HDFS, and an id with a part name within S3's 1,024-byte keys: a valid name works on
 * every backend.
 */
public final class Names {
    /** The longest name accepted, in bytes of its UTF-8 encoding. */
    public static final int MAX_BYTES = 200;
    /** The longest segment (between {@code /}) accepted, in bytes of its UTF-8 encoding. */
    public static final int MAX_SEGMENT_BYTES = 80;

    private Names() {}

    /**
     * Returns {@code name} if valid.
     *
     * @param what what the name is, for the message ("checkpoint id", "part name")
     * @throws IllegalArgumentException naming the value and the rule it breaks
     */
    public static String validate(String what, String name) {
        requireNonNull(name, what + " is null");
        if (name.isEmpty()) {
            throw bad(what, name, "is empty");
        }
        if (name.length() > MAX_BYTES) { // more characters than bytes allowed: cut before encoding
            throw bad(
                    what,
                    shortened(name),
                    "is longer than " + MAX_BYTES + " bytes in UTF-8 (" + name.length() + " characters)");
        }
        if (name.startsWith("/")) {
            throw bad(what, name, "is absolute (starts with '/')");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw bad(
                        what,
                        name.replaceAll("\\p{Cntrl}", "?"),
                        "contains the control character U+" + String.format("%04X", (int) c) + " at index " + i);
            }
            if (c == '\\') {
                throw bad(what, name, "contains a backslash");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        ? i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))
                        : i > 0 && Character.isHighSurrogate(name.charAt(i - 1));
                if (!paired) {
                    throw bad(
                            what,
                            name.replaceAll("\\p{Cs}", "?"),
                            "contains the unpaired surrogate U+"
                                    + String.format("%04X", (int) c) + " at index " + i
                                    + " (not a character: it has no UTF-8 encoding)");
                }
            }
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length; // exact: no unpaired surrogates left
        if (bytes > MAX_BYTES) {
            throw bad(what, shortened(name), "is " + bytes + " bytes long in UTF-8, more than " + MAX_BYTES);
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                throw bad(what, name, "has an empty segment");
            }
            int segmentBytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (segmentBytes > MAX_SEGMENT_BYTES) {
                throw bad(
                        what,
                        shortened(name),
                        "has a segment of " + segmentBytes + " bytes in UTF-8 ('" + shortened(segment)
                                + "'), more than " + MAX_SEGMENT_BYTES);
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw bad(what, name, "has a '" + segment + "' segment");
            }
        }
        return name;
    }

    private static String shortened(String name) {
        return name.length() <= 40 ? name : name.substring(0, 40) + "...";
    }

    private static IllegalArgumentException bad(String what, String name, String problem) {
        return new IllegalArgumentException(what + " '" + name + "' " + problem);
    }
}

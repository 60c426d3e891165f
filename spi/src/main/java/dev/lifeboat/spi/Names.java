package dev.lifeboat.spi;

import static java.util.Objects.requireNonNull;

/**
 * Validation of the {@code /}-separated names that address stored things (checkpoint ids, part
 * names). A valid name has no empty segment, no {@code .} or {@code ..} segment, no leading or
 * trailing {@code /}, no backslash and no control character, so it can never escape the store's
 * root on any backend.
 */
public final class Names {
    /** The longest name accepted, in characters. */
    public static final int MAX_LENGTH = 1024;

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
        if (name.length() > MAX_LENGTH) {
            throw bad(what, name.substring(0, 40) + "...", "is longer than " + MAX_LENGTH + " characters");
        }
        if (name.startsWith("/")) {
            throw bad(what, name, "is absolute (starts with '/')");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw bad(what, name.replaceAll("\\p{Cntrl}", "?"),
                        "contains the control character U+" + String.format("%04X", (int) c) + " at index " + i);
            }
            if (c == '\\') {
                throw bad(what, name, "contains a backslash");
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                throw bad(what, name, "has an empty segment");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw bad(what, name, "has a '" + segment + "' segment");
            }
        }
        return name;
    }

    private static IllegalArgumentException bad(String what, String name, String problem) {
        return new IllegalArgumentException(what + " '" + name + "' " + problem);
    }
}

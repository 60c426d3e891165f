package dev.lifeboat.compat.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes a storage URI and its options as command-line words for a crash-test child, and back.
 * Base64 keeps credentials, spaces and {@code =} signs out of the shell's and the launcher's way.
 * Not API.
 */
public final class ChildArgs {
    private ChildArgs() {}

    public static String encodeUri(URI uri) {
        return encode(requireNonNull(uri, "uri is null").toString());
    }

    public static URI decodeUri(String word) {
        return URI.create(decode(word));
    }

    /**
     * Encodes an option map as base64 of {@code key \0 value \0 ...}; option keys and values never
     * hold NUL characters.
     */
    public static String encodeOptions(Map<String, String> options) {
        StringBuilder out = new StringBuilder();
        requireNonNull(options, "options is null").forEach((k, v) -> {
            if (k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("option '" + k + "' holds a NUL character");
            }
            out.append(k).append('\0').append(v).append('\0');
        });
        return encode(out.toString());
    }

    public static Map<String, String> decodeOptions(String word) {
        String text = decode(word);
        Map<String, String> options = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return options;
        }
        String[] parts = text.split("\0", -1);
        // The encoding ends with a NUL, so split leaves one empty word at the end.
        if (parts.length % 2 != 1) {
            throw new IllegalArgumentException("malformed encoded options: " + parts.length + " words");
        }
        for (int i = 0; i + 1 < parts.length; i += 2) {
            options.put(parts[i], parts[i + 1]);
        }
        return options;
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String word) {
        return new String(Base64.getUrlDecoder().decode(word), StandardCharsets.UTF_8);
    }
}

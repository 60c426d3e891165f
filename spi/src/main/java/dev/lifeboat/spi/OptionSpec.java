package dev.lifeboat.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One option a provider accepts in the map given to {@code open}. Discovery rejects any key
 * that no spec of the provider accepts, naming the key and the accepted ones.
 *
 * @param key the option key, or a key prefix when {@code prefix} is true (for example
 *     {@code hadoop.}, whose keys pass through to a client library)
 * @param defaultValue the value used when the key is absent; empty when the option is required
 *     or has no default
 * @param description one line for documentation and error messages
 * @param prefix whether {@code key} matches every key that starts with it
 */
public record OptionSpec(String key, Optional<String> defaultValue, String description, boolean prefix) {
    public OptionSpec {
        requireNonNull(key, "key is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(description, "description is null");
        if (key.isBlank()) {
            throw new IllegalArgumentException("option key is blank");
        }
    }

    /** An option with a default value. */
    public static OptionSpec of(String key, String defaultValue, String description) {
        return new OptionSpec(key, Optional.of(defaultValue), description, false);
    }

    /** An option without a default (required, or meaningful only when present). */
    public static OptionSpec withoutDefault(String key, String description) {
        return new OptionSpec(key, Optional.empty(), description, false);
    }

    /** Every key starting with {@code prefix} is accepted and passed through. */
    public static OptionSpec prefix(String prefix, String description) {
        return new OptionSpec(prefix, Optional.empty(), description, true);
    }

    /** Whether this spec accepts {@code candidate}. */
    public boolean accepts(String candidate) {
        return prefix ? candidate.startsWith(key) : key.equals(candidate);
    }

    /** The key as shown in messages: prefixes end with {@code *}. */
    public String displayKey() {
        return prefix ? key + "*" : key;
    }
}

package dev.lifeboat.backend.s3.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where a store lives: a bucket and a key prefix, parsed from {@code s3://bucket/prefix}. Every
 * key the backend writes is {@code prefix/...}; an empty prefix means the bucket's root.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix without leading or trailing {@code /}, possibly empty
 */
public record S3Location(String bucket, String prefix) {
    /** Bucket names as S3 accepts them (virtual-host and path-style alike), generously. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-_]{1,253}[a-z0-9]");

    public S3Location {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(prefix, "prefix is null");
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("'" + bucket + "' is not a valid S3 bucket name (3-255 characters:"
                    + " lower-case letters, digits, '.', '-', '_')");
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException("S3 key prefix '" + prefix + "' has an empty segment");
        }
    }

    /**
     * Parses {@code s3://bucket[/prefix]}.
     *
     * @throws IllegalArgumentException naming the URI and what is wrong with it
     */
    public static S3Location parse(URI uri) {
        requireNonNull(uri, "uri is null");
        String shown = redacted(uri);
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("URI '" + shown + "' does not have the scheme 's3'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "URI '" + shown + "' must not have a query or fragment;" + " pass settings as options");
        }
        String bucket = uri.getRawAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("URI '" + shown + "' names no bucket; expected s3://bucket/prefix");
        }
        if (bucket.contains("@") || bucket.contains(":")) {
            throw new IllegalArgumentException("URI '" + shown + "' must not carry credentials or a port in its"
                    + " authority; use the options access-key, secret-key and endpoint");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new S3Location(bucket, path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("URI '" + shown + "': " + e.getMessage(), e);
        }
    }

    /** The URI for messages: user information (which might hold a secret) replaced by {@code ***}. */
    private static String redacted(URI uri) {
        String raw = uri.toString();
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null
                && uri.getRawAuthority() != null
                && uri.getRawAuthority().contains("@")) {
            userInfo = uri.getRawAuthority().substring(0, uri.getRawAuthority().lastIndexOf('@'));
        }
        return userInfo == null ? raw : raw.replace(userInfo + "@", "***@");
    }

    /** The key of {@code relative} under this location's prefix. */
    public String key(String relative) {
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    /** The part of {@code key} after this location's prefix (and its {@code /}). */
    public String relative(String key) {
        if (prefix.isEmpty()) {
            return key;
        }
        if (!key.startsWith(prefix + "/")) {
            throw new IllegalArgumentException("key '" + key + "' is not under prefix '" + prefix + "'");
        }
        return key.substring(prefix.length() + 1);
    }

    /** {@code s3://bucket/prefix}. */
    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}

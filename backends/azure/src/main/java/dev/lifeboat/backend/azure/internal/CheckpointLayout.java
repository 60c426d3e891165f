package dev.lifeboat.backend.azure.internal;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a checkpoint store keeps its blobs, under the store's prefix:
 *
 * <pre>
 * checkpoints/manifests/&lt;id&gt;.manifest               the commit: exists exactly when committed
 * checkpoints/attempts/&lt;attempt&gt;/&lt;enc id&gt;/&lt;enc part&gt;  a part (id and name URL-encoded, no '/')
 * checkpoints/epoch                                  the highest epoch that committed (leased while fencing)
 * </pre>
 */
public final class CheckpointLayout {
    public static final String ROOT = "checkpoints/";
    public static final String MANIFESTS = ROOT + "manifests/";
    public static final String ATTEMPTS = ROOT + "attempts/";
    public static final String EPOCH = ROOT + "epoch";
    private static final String SUFFIX = ".manifest";

    private CheckpointLayout() {}

    public static String manifest(CheckpointId id) {
        return MANIFESTS + id.value() + SUFFIX;
    }

    public static Optional<CheckpointId> idOfManifest(String name) {
        if (!name.startsWith(MANIFESTS) || !name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointId.of(name.substring(MANIFESTS.length(), name.length() - SUFFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static String attemptFolder(String attemptId) {
        return ATTEMPTS + attemptId + "/";
    }

    public static String part(String attemptId, CheckpointId id, String part) {
        return attemptFolder(attemptId) + encode(id.value()) + "/" + encode(part);
    }

    /** {@code id/part} of a part blob, for fault injection. */
    public static Optional<String> keyOfPart(String name) {
        if (!name.startsWith(ATTEMPTS)) {
            return Optional.empty();
        }
        String[] f = name.substring(ATTEMPTS.length()).split("/", -1);
        if (f.length != 3) {
            return Optional.empty();
        }
        return Optional.of(decode(f[1]) + "/" + decode(f[2]));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}

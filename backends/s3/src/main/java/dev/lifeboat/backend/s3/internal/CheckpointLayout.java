package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a checkpoint store keeps what, relative to its location:
 *
 * <pre>
 * checkpoints/manifests/&lt;id&gt;.manifest                  the commit: published with If-None-Match: *
 * checkpoints/attempts/&lt;attempt&gt;/&lt;enc(id)&gt;/&lt;part&gt;  the parts of one attempt
 * checkpoints/epoch                                  the highest epoch that committed (If-Match CAS)
 * </pre>
 *
 * The id inside an attempt folder is URL-encoded into one segment, so garbage collection can
 * tell which checkpoint an abandoned attempt belonged to from the key alone.
 */
final class CheckpointLayout {
    static final String ROOT = "checkpoints/";
    static final String MANIFESTS = ROOT + "manifests/";
    static final String ATTEMPTS = ROOT + "attempts/";
    static final String EPOCH = ROOT + "epoch";
    static final String MANIFEST_SUFFIX = ".manifest";

    private final ObjectStore store;

    CheckpointLayout(ObjectStore store) {
        this.store = store;
    }

    String manifestKey(CheckpointId id) {
        return store.key(MANIFESTS + id.value() + MANIFEST_SUFFIX);
    }

    String manifestsPrefix() {
        return store.key(MANIFESTS);
    }

    /** The id whose manifest has {@code key}, or empty for keys that are not manifests. */
    Optional<CheckpointId> idOfManifest(String key) {
        String dir = manifestsPrefix();
        if (!key.startsWith(dir) || !key.endsWith(MANIFEST_SUFFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointId.of(key.substring(dir.length(), key.length() - MANIFEST_SUFFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String attemptsPrefix() {
        return store.key(ATTEMPTS);
    }

    String attemptPrefix(String attemptId) {
        return store.key(ATTEMPTS + attemptId + "/");
    }

    String attemptFolder(String attemptId, CheckpointId id) {
        return attemptPrefix(attemptId) + encode(id.value()) + "/";
    }

    String partKey(String attemptId, CheckpointId id, String part) {
        return attemptFolder(attemptId, id) + part;
    }

    String epochKey() {
        return store.key(EPOCH);
    }

    static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    static Optional<CheckpointId> decode(String segment) {
        try {
            return Optional.of(CheckpointId.of(URLDecoder.decode(segment, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

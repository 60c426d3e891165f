package dev.lifeboat.backend.common.objectstore;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a checkpoint store on an object store keeps what, below its root (a key prefix, {@code ""}
 * or ending in {@code /}):
 *
 * <pre>
 * checkpoints/manifests/&lt;id&gt;.manifest                    the commit: exists exactly when committed
 * checkpoints/attempts/&lt;attempt&gt;/&lt;enc(id)&gt;/&lt;part&gt;    the parts of one attempt
 * checkpoints/epoch                                    the highest epoch that committed
 * </pre>
 *
 * The id inside an attempt folder is URL-encoded into one segment, so garbage collection can tell
 * which checkpoint an abandoned attempt belonged to from the key alone. Part names are stored
 * {@linkplain PartNames as the backend has always stored them}: the layout is an on-storage format,
 * and existing checkpoints must stay readable.
 */
public final class CheckpointKeys {
    /** Every checkpoint key starts with this, after the root. */
    public static final String ROOT = "checkpoints/";
    /** The folder of the manifests, after the root. */
    public static final String MANIFESTS = ROOT + "manifests/";
    /** The folder of the attempt folders, after the root. */
    public static final String ATTEMPTS = ROOT + "attempts/";
    /** The epoch (or fence) object, after the root. */
    public static final String EPOCH = ROOT + "epoch";
    /** How a manifest's key ends. */
    public static final String MANIFEST_SUFFIX = ".manifest";

    /** How a part's name appears as the last segment of its key. */
    public enum PartNames {
        /** The name itself (S3's layout). */
        AS_IS,
        /** The name URL-encoded, so it never contains {@code /} (Azure's layout). */
        URL_ENCODED
    }

    private final String root;
    private final PartNames partNames;

    /**
     * @param root the key prefix the store lives under: {@code ""} or ending in {@code /}
     * @param partNames how part names are stored
     */
    public CheckpointKeys(String root, PartNames partNames) {
        this.root = requireNonNull(root, "root is null");
        this.partNames = requireNonNull(partNames, "partNames is null");
        if (!root.isEmpty() && !root.endsWith("/")) {
            throw new IllegalArgumentException("root must be empty or end with '/': '" + root + "'");
        }
    }

    /** The key of {@code id}'s manifest. */
    public String manifestKey(CheckpointId id) {
        return manifestsPrefix() + id.value() + MANIFEST_SUFFIX;
    }

    /** The prefix of every manifest key. */
    public String manifestsPrefix() {
        return root + MANIFESTS;
    }

    /** The id whose manifest has {@code key}, or empty for keys that are not manifests. */
    public Optional<CheckpointId> idOfManifest(String key) {
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

    /** The prefix of every attempt folder. */
    public String attemptsPrefix() {
        return root + ATTEMPTS;
    }

    /** The folder of everything one attempt wrote, ending in {@code /}. */
    public String attemptFolder(String attemptId) {
        return attemptsPrefix() + attemptId + "/";
    }

    /** The folder of the parts of {@code id} written by one attempt, ending in {@code /}. */
    public String attemptFolder(String attemptId, CheckpointId id) {
        return attemptFolder(attemptId) + encodeId(id) + "/";
    }

    /** The key of one part. */
    public String partKey(String attemptId, CheckpointId id, String part) {
        return attemptFolder(attemptId, id) + (partNames == PartNames.AS_IS ? part : encode(part));
    }

    /** The key of the epoch (fence) object. */
    public String epochKey() {
        return root + EPOCH;
    }

    /**
     * The attempt a key below {@link #attemptsPrefix()} belongs to (its first segment there), or
     * empty if the key is elsewhere.
     */
    public Optional<String> attemptOf(String key) {
        String dir = attemptsPrefix();
        if (!key.startsWith(dir)) {
            return Optional.empty();
        }
        String rest = key.substring(dir.length());
        int slash = rest.indexOf('/');
        return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
    }

    /**
     * {@code id/part} of a part's key (decoded), for fault injection and tools; empty for keys
     * that are not parts.
     */
    public Optional<String> partOf(String key) {
        String dir = attemptsPrefix();
        if (!key.startsWith(dir)) {
            return Optional.empty();
        }
        String rest = key.substring(dir.length());
        String[] f = partNames == PartNames.AS_IS ? rest.split("/", 3) : rest.split("/", -1);
        if (f.length != 3) {
            return Optional.empty();
        }
        Optional<CheckpointId> id = decodeId(f[1]);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (partNames == PartNames.AS_IS) {
            return Optional.of(id.get() + "/" + f[2]);
        }
        try {
            return Optional.of(id.get() + "/" + URLDecoder.decode(f[2], StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code id} as one key segment: URL-encoded, so without {@code /}. */
    public static String encodeId(CheckpointId id) {
        return encode(id.value());
    }

    /** The id encoded in one key segment by {@link #encodeId}; empty if it is not one. */
    public static Optional<CheckpointId> decodeId(String segment) {
        try {
            return Optional.of(CheckpointId.of(URLDecoder.decode(segment, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CheckpointKeys[root='" + root + "', partNames=" + partNames + "]";
    }
}

package dev.lifeboat.backend.hadoop.internal;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;

/**
 * Where a checkpoint store keeps its files.
 *
 * <pre>
 * &lt;root&gt;/committed/&lt;seg&gt;/.../&lt;last seg&gt;@checkpoint/manifest    a committed checkpoint
 * &lt;root&gt;/committed/&lt;seg&gt;/.../&lt;last seg&gt;@checkpoint/part-00000 its parts, in manifest order
 * &lt;root&gt;/attempts/&lt;attempt id&gt;[@&lt;epoch&gt;]/part-00000, manifest    an attempt being written
 * &lt;root&gt;/trash/&lt;unique&gt;/                                            a checkpoint being deleted
 * &lt;root&gt;/fence/&lt;epoch, 20 digits&gt;                                   an epoch that fenced older ones
 * </pre>
 *
 * The directory of an attempt with an epoch above 0 carries it after {@code @}, so a fence can
 * tell the attempts of older epochs from one listing.
 *
 * Id segments are encoded with {@link NameCodec}. A commit renames the attempt's directory to the
 * checkpoint's directory only if that does not exist: one atomic namenode operation on HDFS.
 */
final class CheckpointLayout {
    static final String SUFFIX = "@checkpoint";
    static final String MANIFEST = "manifest";

    final Path committed;
    final Path attempts;
    final Path trash;
    final Path fence;

    CheckpointLayout(Path root) {
        this.committed = new Path(root, "committed");
        this.attempts = new Path(root, "attempts");
        this.trash = new Path(root, "trash");
        this.fence = new Path(root, "fence");
    }

    /** The directory of an attempt. */
    Path attemptDir(String attemptId, long epoch) {
        return new Path(attempts, epoch > 0 ? attemptId + "@" + epoch : attemptId);
    }

    /** The attempt id in an attempt directory's name, or empty if it is not one. */
    static Optional<String> attemptIdOf(String dirName) {
        int at = dirName.indexOf('@');
        String id = at < 0 ? dirName : dirName.substring(0, at);
        return dev.lifeboat.backend.common.checkpoint.Attempts.isAttemptId(id) ? Optional.of(id) : Optional.empty();
    }

    /** The epoch in an attempt directory's name: 0 if it has none (or an unreadable one). */
    static long epochOf(String dirName) {
        int at = dirName.indexOf('@');
        if (at < 0) {
            return 0;
        }
        try {
            return Long.parseLong(dirName.substring(at + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The fence file of {@code epoch}. */
    Path fenceFile(long epoch) {
        return new Path(fence, String.format("%020d", epoch));
    }

    Path dirOf(CheckpointId id) {
        List<String> segments = id.segments();
        Path p = committed;
        for (int i = 0; i < segments.size() - 1; i++) {
            p = new Path(p, NameCodec.encode(segments.get(i)));
        }
        return new Path(p, NameCodec.encode(segments.get(segments.size() - 1)) + SUFFIX);
    }

    /** The namespace directory of {@code prefixSegments} (ids that start with them live below it). */
    Path namespaceOf(List<String> prefixSegments) {
        Path p = committed;
        for (String s : prefixSegments) {
            p = new Path(p, NameCodec.encode(s));
        }
        return p;
    }

    static Path partPath(Path dir, int index) {
        return new Path(dir, String.format("part-%05d", index));
    }

    /** The index of a part file name, or empty. */
    static Optional<Integer> partIndex(String fileName) {
        if (fileName.matches("part-\\d{5,}")) {
            return Optional.of(Integer.parseInt(fileName.substring(5)));
        }
        return Optional.empty();
    }

    /** The id of a checkpoint directory below {@link #committed}, given its path segments from there. */
    static CheckpointId idOf(List<String> encodedSegments) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < encodedSegments.size(); i++) {
            String s = encodedSegments.get(i);
            if (i == encodedSegments.size() - 1) {
                s = s.substring(0, s.length() - SUFFIX.length());
            }
            if (i > 0) {
                b.append('/');
            }
            b.append(NameCodec.decode(s));
        }
        return CheckpointId.of(b.toString());
    }
}

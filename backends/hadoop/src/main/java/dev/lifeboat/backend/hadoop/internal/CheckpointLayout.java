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
 * &lt;root&gt;/attempts/&lt;attempt id&gt;/part-00000, manifest               an attempt being written
 * &lt;root&gt;/trash/&lt;unique&gt;/                                            a checkpoint being deleted
 * </pre>
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

    CheckpointLayout(Path root) {
        this.committed = new Path(root, "committed");
        this.attempts = new Path(root, "attempts");
        this.trash = new Path(root, "trash");
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

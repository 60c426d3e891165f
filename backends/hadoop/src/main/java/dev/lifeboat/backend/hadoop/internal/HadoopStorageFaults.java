package dev.lifeboat.backend.hadoop.internal;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.backend.common.checkpoint.ManifestCodec;
import dev.lifeboat.spi.checkpoint.CheckpointId;
import dev.lifeboat.spi.checkpoint.CheckpointInfo;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.client.HdfsDataInputStream;

/**
 * Damages the files of any Lifeboat store on a Hadoop file system, bypassing the stores. Every
 * call opens its own file system instance and closes it. Damage is written by rewriting the file
 * (read, change, delete, create): the effect of a flipped bit or a cut write, without waiting for
 * HDFS block recovery.
 */
public final class HadoopStorageFaults implements StorageFaults {
    private final HadoopLocation location;

    public HadoopStorageFaults(HadoopLocation location) {
        this.location = requireNonNull(location, "location is null");
    }

    @Override
    public List<StoredObject> list(StoredKind kind) throws IOException {
        requireNonNull(kind, "kind is null");
        try (HadoopFs fs = location.open()) {
            List<StoredObject> out = new ArrayList<>();
            switch (kind) {
                case WAL_SEGMENT -> {
                    for (FileStatus s : listOrEmpty(fs, fs.root())) {
                        Optional<SegmentName> name =
                                SegmentName.parse(s.getPath().getName());
                        if (name.isPresent()) {
                            out.add(new StoredObject(
                                    kind,
                                    s.getPath().toString(),
                                    Long.toString(name.get().firstLsn()),
                                    visibleLength(fs, s)));
                        }
                    }
                }
                case CHECKPOINT_MANIFEST, CHECKPOINT_PART -> listCheckpointFiles(fs, kind, out);
                case SHUFFLE_DATA, SHUFFLE_INDEX -> {
                    String file = kind == StoredKind.SHUFFLE_DATA ? "data" : "index";
                    for (FileStatus shuffle : listOrEmpty(fs, fs.root())) {
                        String name = shuffle.getPath().getName();
                        if (!shuffle.isDirectory() || !name.matches("shuffle-\\d+")) {
                            continue;
                        }
                        for (FileStatus map : listOrEmpty(fs, shuffle.getPath())) {
                            Path p = new Path(map.getPath(), file);
                            try {
                                FileStatus st = fs.fs().getFileStatus(p);
                                out.add(new StoredObject(
                                        kind,
                                        st.getPath().toString(),
                                        name.substring("shuffle-".length()) + "/"
                                                + map.getPath().getName(),
                                        st.getLen()));
                            } catch (FileNotFoundException e) {
                                // not committed
                            }
                        }
                    }
                }
                default -> {
                    // nothing else is stored as a separate kind
                }
            }
            out.sort(Comparator.comparing(StoredObject::name));
            return out;
        }
    }

    private void listCheckpointFiles(HadoopFs fs, StoredKind kind, List<StoredObject> out) throws IOException {
        CheckpointLayout layout = new CheckpointLayout(fs.root());
        Deque<Object[]> todo = new ArrayDeque<>();
        todo.add(new Object[] {layout.committed, List.<String>of()});
        while (!todo.isEmpty()) {
            Object[] next = todo.poll();
            @SuppressWarnings("unchecked")
            List<String> path = (List<String>) next[1];
            for (FileStatus child : listOrEmpty(fs, (Path) next[0])) {
                if (!child.isDirectory()) {
                    continue;
                }
                List<String> childPath = new ArrayList<>(path);
                childPath.add(child.getPath().getName());
                if (child.getPath().getName().endsWith(CheckpointLayout.SUFFIX)) {
                    checkpointFiles(fs, kind, CheckpointLayout.idOf(childPath), child.getPath(), out);
                } else {
                    todo.add(new Object[] {child.getPath(), childPath});
                }
            }
        }
        if (kind == StoredKind.CHECKPOINT_PART) {
            for (FileStatus attempt : listOrEmpty(fs, layout.attempts)) {
                for (FileStatus f : listOrEmpty(fs, attempt.getPath())) {
                    if (CheckpointLayout.partIndex(f.getPath().getName()).isPresent()) {
                        out.add(new StoredObject(
                                kind,
                                f.getPath().toString(),
                                "attempt " + attempt.getPath().getName() + "/"
                                        + f.getPath().getName(),
                                f.getLen()));
                    }
                }
            }
        }
    }

    private void checkpointFiles(HadoopFs fs, StoredKind kind, CheckpointId id, Path dir, List<StoredObject> out)
            throws IOException {
        Path manifest = new Path(dir, CheckpointLayout.MANIFEST);
        if (kind == StoredKind.CHECKPOINT_MANIFEST) {
            FileStatus st = fs.fs().getFileStatus(manifest);
            out.add(new StoredObject(kind, st.getPath().toString(), id.value(), st.getLen()));
            return;
        }
        CheckpointInfo info = null;
        try (FSDataInputStream in = fs.fs().open(manifest)) {
            info = ManifestCodec.decode(in.readAllBytes(), manifest.toString());
        } catch (IOException e) {
            // damaged or missing manifest: name parts by file
        }
        for (FileStatus f : listOrEmpty(fs, dir)) {
            Optional<Integer> index = CheckpointLayout.partIndex(f.getPath().getName());
            if (index.isEmpty()) {
                continue;
            }
            String part = info != null && index.get() < info.parts().size()
                    ? info.parts().get(index.get()).name()
                    : f.getPath().getName();
            out.add(new StoredObject(kind, f.getPath().toString(), id.value() + "/" + part, f.getLen()));
        }
    }

    private static long visibleLength(HadoopFs fs, FileStatus status) throws IOException {
        try (FSDataInputStream in = fs.fs().open(status.getPath())) {
            if (in instanceof HdfsDataInputStream hdfs) {
                return hdfs.getVisibleLength();
            }
        }
        return status.getLen();
    }

    private static FileStatus[] listOrEmpty(HadoopFs fs, Path dir) throws IOException {
        try {
            return fs.fs().listStatus(dir);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }

    @Override
    public void flipByte(StoredObject object, long offset) throws IOException {
        requireNonNull(object, "object is null");
        try (HadoopFs fs = location.open()) {
            Path path = new Path(object.name());
            byte[] bytes = read(fs, path);
            if (offset < 0 || offset >= bytes.length) {
                throw new IllegalArgumentException(
                        "offset " + offset + " is outside " + object.name() + " (" + bytes.length + " bytes)");
            }
            bytes[(int) offset] = (byte) ~bytes[(int) offset];
            rewrite(fs, path, bytes, bytes.length);
        }
    }

    @Override
    public void truncate(StoredObject object, long length) throws IOException {
        requireNonNull(object, "object is null");
        try (HadoopFs fs = location.open()) {
            Path path = new Path(object.name());
            byte[] bytes = read(fs, path);
            if (length < 0 || length > bytes.length) {
                throw new IllegalArgumentException(
                        "length " + length + " is outside [0, " + bytes.length + "] for " + object.name());
            }
            rewrite(fs, path, bytes, (int) length);
        }
    }

    @Override
    public void delete(StoredObject object) throws IOException {
        requireNonNull(object, "object is null");
        try (HadoopFs fs = location.open()) {
            fs.delete(new Path(object.name()), false);
        }
    }

    @Override
    public void append(StoredObject object, byte[] bytes) throws IOException {
        requireNonNull(object, "object is null");
        try (HadoopFs fs = location.open()) {
            Path path = new Path(object.name());
            byte[] old = read(fs, path);
            byte[] longer = java.util.Arrays.copyOf(old, old.length + bytes.length);
            System.arraycopy(bytes, 0, longer, old.length, bytes.length);
            rewrite(fs, path, longer, longer.length);
        }
    }

    private static byte[] read(HadoopFs fs, Path path) throws IOException {
        try (FSDataInputStream in = fs.fs().open(path)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw new NoSuchFileException(path.toString());
        }
    }

    private static void rewrite(HadoopFs fs, Path path, byte[] bytes, int length) throws IOException {
        fs.fs().delete(path, false);
        try (FSDataOutputStream out = fs.createExclusive(path, false)) {
            out.write(bytes, 0, length);
        }
    }
}

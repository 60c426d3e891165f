package dev.lifeboat.backend.local.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spi.checkpoint.CheckpointId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalCheckpointLayoutTest {
    private static final Path ROOT = Path.of("/store");
    private final LocalCheckpointLayout layout = new LocalCheckpointLayout(ROOT);

    @Test
    void idsThatLookAlikeGetDistinctPathsAndNoneIsInsideAnother() {
        List<String> ids = List.of(
                "a",
                "a/b",
                "a/manifest",
                "x.ckpt",
                "x.ckpt/y",
                "a.d",
                "a.d/b",
                "a.c",
                "a.c/b",
                "A",
                "a%41",
                "%",
                "a/b/c",
                "manifest",
                "parts",
                "x.ckpt.ckpt");
        Map<Path, String> seen = new HashMap<>();
        for (String id : ids) {
            Path p = layout.committedManifest(CheckpointId.of(id));
            assertThat(seen.put(p, id)).as("path %s of %s", p, id).isNull();
        }
        for (Path p : seen.keySet()) {
            for (Path q : seen.keySet()) {
                if (!p.equals(q)) {
                    assertThat(q.startsWith(p))
                            .as("%s (%s) inside %s (%s)", q, seen.get(q), p, seen.get(p))
                            .isFalse();
                }
            }
        }
        assertThat(layout.committedManifest(CheckpointId.of("a/b"))).isEqualTo(ROOT.resolve("committed/a.d/b.ckpt"));
        assertThat(layout.committedManifest(CheckpointId.of("x.ckpt/y")))
                .isEqualTo(ROOT.resolve("committed/x.ckpt.d/y.ckpt"));
    }

    @Test
    void everyPathDecodesBackToItsId() {
        Random random = new Random(42);
        String alphabet = "abcXYZ019-_.%~ é漢😀";
        for (int i = 0; i < 2_000; i++) {
            String id = randomName(random, alphabet);
            Path p = layout.committedManifest(CheckpointId.of(id));
            assertThat(layout.idOf(p)).as("decoding %s", p).contains(CheckpointId.of(id));
            for (Path component : p) {
                assertThat(component.toString().getBytes(StandardCharsets.UTF_8).length)
                        .isLessThanOrEqualTo(255);
            }
        }
    }

    @Test
    void theLongestValidSegmentFitsOneFileNameAndDecodes() {
        // 80 bytes is the most a segment may hold; '%' is escaped to three characters, the worst case.
        String segment = "%".repeat(80);
        CheckpointId id = CheckpointId.of("state/" + segment + "/v-1");
        Path p = layout.committedManifest(id);
        for (Path component : p) {
            assertThat(component.toString().getBytes(StandardCharsets.UTF_8).length)
                    .as("file name %s", component)
                    .isLessThanOrEqualTo(255);
        }
        assertThat(layout.idOf(p)).contains(id);
        Path part = layout.partFile("0000000000001-0123456789abcdef", segment);
        assertThat(part.getFileName().toString().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(255);
        assertThat(layout.partOf(part))
                .contains(new LocalCheckpointLayout.PartFile("0000000000001-0123456789abcdef", segment));
    }

    @Test
    void onlyCanonicalNamesDecode() {
        Path committed = layout.committedDir();
        assertThat(layout.idOf(committed.resolve("a.ckpt"))).contains(CheckpointId.of("a"));
        assertThat(layout.idOf(committed.resolve("A.ckpt"))).isEmpty(); // upper case is always escaped
        assertThat(layout.idOf(committed.resolve("%61.ckpt"))).isEmpty(); // 'a' is never escaped
        assertThat(layout.idOf(committed.resolve("a.ckpt.tmp"))).isEmpty();
        assertThat(layout.idOf(committed.resolve("a.d"))).isEmpty();
        assertThat(layout.idOf(committed.resolve("a.ckpt/b.ckpt"))).isEmpty();
        assertThat(layout.idOf(committed.resolve(".ckpt"))).isEmpty();
        assertThat(layout.idOf(committed.resolve("%2.ckpt"))).isEmpty();
        assertThat(layout.idOf(ROOT.resolve("attempts/a.ckpt"))).isEmpty();
    }

    @Test
    void partNamesAreEncodedLikeIdsBelowTheAttempt() {
        String attempt = "0000000000001-0123456789abcdef";
        List<Path> paths = new ArrayList<>();
        for (String name : List.of("p", "p/q", "manifest", "p.part", "p.part/q")) {
            Path p = layout.partFile(attempt, name);
            assertThat(p.startsWith(layout.partsDir(attempt))).isTrue();
            assertThat(layout.partOf(p)).contains(new LocalCheckpointLayout.PartFile(attempt, name));
            paths.add(p);
        }
        assertThat(paths).doesNotHaveDuplicates().doesNotContain(layout.attemptManifest(attempt));
    }

    private static String randomName(Random random, String alphabet) {
        int[] cps = alphabet.codePoints().toArray();
        int segments = 1 + random.nextInt(4);
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < segments; s++) {
            if (s > 0) {
                b.append('/');
            }
            String seg;
            do {
                StringBuilder sb = new StringBuilder();
                int len = 1 + (random.nextInt(20) == 0 ? random.nextInt(200) : random.nextInt(8));
                for (int i = 0; i < len; i++) {
                    sb.appendCodePoint(cps[random.nextInt(cps.length)]);
                }
                seg = sb.toString();
            } while (seg.equals(".")
                    || seg.equals("..")
                    || seg.getBytes(StandardCharsets.UTF_8).length > 80
                    || b.toString().getBytes(StandardCharsets.UTF_8).length
                                    + seg.getBytes(StandardCharsets.UTF_8).length
                            > 200);
            b.append(seg);
        }
        return b.toString();
    }
}

package dev.lifeboat.backend.hadoop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentNameTest {
    @Test
    void namesRoundTripAndSortInLogOrder() {
        SegmentName a = new SegmentName(0, 0);
        SegmentName b = new SegmentName(0, 1);
        SegmentName c = new SegmentName(9, 1);
        SegmentName d = new SegmentName(10, 0);
        assertThat(a.fileName()).isEqualTo("00000000000000000000-0000000000.wal");
        for (SegmentName n : List.of(a, b, c, d)) {
            assertThat(SegmentName.parse(n.fileName())).contains(n);
        }
        List<SegmentName> names = new ArrayList<>(List.of(d, c, b, a));
        names.sort(null);
        assertThat(names).containsExactly(a, b, c, d);
        List<String> files = new ArrayList<>(List.of(d.fileName(), c.fileName(), b.fileName(), a.fileName()));
        files.sort(null);
        assertThat(files)
                .as("file names sort like segment names")
                .containsExactly(a.fileName(), b.fileName(), c.fileName(), d.fileName());
    }

    @Test
    void otherFilesAreNotSegments() {
        assertThat(SegmentName.parse("writer.lock")).isEmpty();
        assertThat(SegmentName.parse("00000000000000000000-0000000000.wal.cut")).isEmpty();
        assertThat(SegmentName.parse("0-0.wal")).isEmpty();
        assertThatThrownBy(() -> new SegmentName(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.lifeboat.backend.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseablesTest {
    @Test
    void closesEveryOneAndThrowsTheFirstFailureWithTheRestSuppressed() {
        List<String> closed = new ArrayList<>();
        IOException first = new IOException("first");
        IllegalStateException second = new IllegalStateException("second");
        assertThatThrownBy(() -> Closeables.closeAll(
                        () -> closed.add("a"),
                        () -> {
                            closed.add("b");
                            throw first;
                        },
                        null,
                        () -> {
                            closed.add("c");
                            throw second;
                        },
                        () -> closed.add("d")))
                .isSameAs(first);
        assertThat(closed).containsExactly("a", "b", "c", "d");
        assertThat(first.getSuppressed()).containsExactly(second);
    }

    @Test
    void aRuntimeFailureIsThrownAsItIsAndOtherCheckedOnesAreWrapped() {
        IllegalStateException runtime = new IllegalStateException("runtime");
        assertThatThrownBy(() -> Closeables.closeAll(List.<AutoCloseable>of(() -> {
                    throw runtime;
                })))
                .isSameAs(runtime);
        Exception checked = new Exception("checked");
        assertThatThrownBy(() -> Closeables.closeAll((AutoCloseable) () -> {
                    throw checked;
                }))
                .isInstanceOf(IOException.class)
                .hasCause(checked);
    }

    @Test
    void nothingToCloseOrNoFailureThrowsNothing() throws IOException {
        Closeables.closeAll(List.of());
        List<String> closed = new ArrayList<>();
        Closeables.closeAll(() -> closed.add("only"));
        assertThat(closed).containsExactly("only");
    }

    @Test
    void firstOfKeepsTheFirstAndSuppressesTheNext() {
        IOException a = new IOException("a");
        IOException b = new IOException("b");
        assertThat(Closeables.firstOf(null, a)).isSameAs(a);
        assertThat(Closeables.firstOf(a, b)).isSameAs(a);
        assertThat(a.getSuppressed()).containsExactly(b);
        assertThat(Closeables.firstOf(a, a)).isSameAs(a);
        assertThat(a.getSuppressed()).containsExactly(b);
    }
}

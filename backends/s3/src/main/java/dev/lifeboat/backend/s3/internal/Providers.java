package dev.lifeboat.backend.s3.internal;

import dev.lifeboat.spi.OptionSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What the four S3 providers share. */
public final class Providers {
    public static final String SCHEME = "s3";

    private Providers() {}

    /** The common S3 options followed by {@code extra}. */
    public static List<OptionSpec> options(List<OptionSpec> extra) {
        List<OptionSpec> all = new ArrayList<>(S3Settings.OPTIONS);
        all.addAll(extra);
        return List.copyOf(all);
    }

    /** Something opened on an {@link ObjectStore}; the store is closed if opening fails. */
    @FunctionalInterface
    public interface Opener<T> {
        T open(ObjectStore store) throws IOException;
    }

    public static <T> T openOn(S3Settings settings, Opener<T> opener) throws IOException {
        ObjectStore store = ObjectStore.open(settings);
        try {
            return opener.open(store);
        } catch (IOException | RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }
}

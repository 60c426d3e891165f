package dev.lifeboat.backend.azure.internal;

import dev.lifeboat.spi.OptionSpec;
import java.util.ArrayList;
import java.util.List;

/** What the four Azure providers share. */
public final class Providers {
    public static final String SCHEME = AzureSettings.SCHEME;

    private Providers() {}

    /** The common Azure options followed by {@code extra}. */
    public static List<OptionSpec> options(List<OptionSpec> extra) {
        List<OptionSpec> all = new ArrayList<>(AzureSettings.OPTIONS);
        all.addAll(extra);
        return List.copyOf(all);
    }
}

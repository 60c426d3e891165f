package dev.lifeboat.backend.azure.internal;

import com.azure.core.util.Context;
import com.azure.storage.blob.options.AppendBlobSealOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The segment blobs of an {@link AzureLogStorage} ({@code wal/segments/<first LSN, 20
 * digits>-<generation, 10 digits>}): their names, listing them in order, and sealing one.
 */
final class AzureSegments {
    static final String SEGMENTS = "wal/segments/";

    /** One segment as listed. */
    record Segment(String name, long firstLsn, long generation, long size, boolean sealed) {}

    private AzureSegments() {}

    static String segmentName(long firstLsn, long generation) {
        return String.format("%s%020d-%010d", SEGMENTS, firstLsn, generation);
    }

    static Optional<Segment> parse(Blobs.Item item) {
        String n = item.name();
        if (!n.startsWith(SEGMENTS)
                || n.length() != SEGMENTS.length() + 31
                || n.charAt(SEGMENTS.length() + 20) != '-') {
            return Optional.empty();
        }
        try {
            return Optional.of(new Segment(
                    n,
                    Long.parseLong(n.substring(SEGMENTS.length(), SEGMENTS.length() + 20)),
                    Long.parseLong(n.substring(SEGMENTS.length() + 21)),
                    item.size(),
                    item.sealed()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The segments in order (by name: first LSN, then generation). */
    static List<Segment> list(Blobs blobs) throws IOException {
        List<Segment> out = new ArrayList<>();
        for (Blobs.Item item : blobs.list(SEGMENTS)) {
            parse(item).ifPresent(out::add);
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    static void seal(Blobs blobs, String name) throws IOException {
        AppendBlobClient c = blobs.blob(name).getAppendBlobClient();
        try {
            blobs.call(
                    "seal",
                    name,
                    () -> c.sealWithResponse(new AppendBlobSealOptions(), blobs.callTimeout(), Context.NONE));
        } catch (Blobs.NotFound e) {
            // truncated away meanwhile
        }
    }
}

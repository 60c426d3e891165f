package dev.lifeboat.backend.s3;

import dev.lifeboat.compat.internal.FaultProxy;
import dev.lifeboat.compat.internal.FaultProxy.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** What the S3 protocol means by the requests a {@link FaultProxy} sees. */
final class S3Requests {
    private S3Requests() {}

    static boolean isCopy(Request r) {
        return r.hasHeader("x-amz-copy-source");
    }

    /**
     * The requests the SDK made: the same attempt of the same call seen twice counts once. The
     * JDK's {@code HttpURLConnection} silently resends an idempotent request (GET, HEAD) that met a
     * keep-alive connection the server had just closed; the SDK's own retries carry a new attempt
     * number and still count.
     */
    static List<Request> sdkCalls(FaultProxy proxy) {
        return proxy.distinct(r -> {
            String id = r.header("amz-sdk-invocation-id");
            return id == null ? null : id + " " + r.header("amz-sdk-request");
        });
    }

    static long countCalls(FaultProxy proxy, Predicate<Request> match) {
        return sdkCalls(proxy).stream().filter(match).count();
    }

    /** A ListObjects request. */
    static boolean isList(Request r) {
        return r.is("GET") && (r.query().contains("list-type=2") || r.query().contains("prefix="));
    }

    /**
     * A LIST answer body without the {@code <Contents>} entries whose keys contain {@code keyPart} and
     * {@code drop} chooses by their position among those entries (0-based) and their count.
     */
    static UnaryOperator<byte[]> dropListed(String keyPart, BiPredicate<Integer, Integer> drop) {
        return body -> {
            String xml = new String(body, StandardCharsets.UTF_8);
            List<int[]> entries = new ArrayList<>();
            for (int at = xml.indexOf("<Contents>"); at >= 0; at = xml.indexOf("<Contents>", at + 1)) {
                int end = xml.indexOf("</Contents>", at) + "</Contents>".length();
                if (java.net.URLDecoder.decode(xml.substring(at, end), StandardCharsets.UTF_8)
                        .contains(keyPart)) {
                    entries.add(new int[] {at, end});
                }
            }
            StringBuilder out = new StringBuilder(xml);
            for (int i = entries.size() - 1; i >= 0; i--) {
                if (drop.test(i, entries.size())) {
                    out.delete(entries.get(i)[0], entries.get(i)[1]);
                }
            }
            return out.toString().getBytes(StandardCharsets.UTF_8);
        };
    }
}

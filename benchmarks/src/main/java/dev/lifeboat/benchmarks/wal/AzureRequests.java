package dev.lifeboat.benchmarks.wal;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.AfterRetryPolicyProvider;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * Counts the HTTP requests every Azure SDK client in this JVM sends, by operation, once
 * {@link #start} has been called: registered with the SDK's {@code AfterRetryPolicyProvider}
 * service, so it sits after the retry policy and counts every attempt, of the backend's own
 * clients too. Until {@link #start}, and in the suites that never call it, it only reads a flag.
 */
public final class AzureRequests implements AfterRetryPolicyProvider {
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static final HttpHeaderName BLOB_TYPE = HttpHeaderName.fromString("x-ms-blob-type");
    private static final HttpHeaderName RANGE = HttpHeaderName.fromString("x-ms-range");
    private static volatile boolean counting;

    /** Clears the counts and counts from now on. */
    public static void start() {
        COUNTS.clear();
        counting = true;
    }

    /** The requests counted since {@link #start}, by operation, divided by {@code ops}. */
    public static Map<String, Double> perOp(long ops) {
        Map<String, Double> out = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, LongAdder> e : COUNTS.entrySet()) {
            long n = e.getValue().sum();
            total += n;
            out.put(e.getKey(), ops == 0 ? Double.NaN : (double) n / ops);
        }
        out.put("all", ops == 0 ? Double.NaN : (double) total / ops);
        return out;
    }

    /** {@link #perOp} as one line for the benchmark's output. */
    public static String report(String what, long ops) {
        StringBuilder s = new StringBuilder("requests per ")
                .append(what)
                .append(" (")
                .append(ops)
                .append(" ops):");
        perOp(ops).forEach((k, v) -> s.append(' ').append(k).append('=').append(String.format(Locale.ROOT, "%.3f", v)));
        return s.toString();
    }

    /** The operation a request is: Put Blob, Append Block, Seal, Lease, LIST, GET (ranged or not), HEAD… */
    static String operation(HttpRequest request) {
        String method = request.getHttpMethod().name();
        String query = request.getUrl().getQuery();
        String comp = null;
        if (query != null) {
            for (String p : query.split("&", -1)) {
                if (p.startsWith("comp=")) {
                    comp = p.substring(5);
                }
            }
        }
        if (comp != null) {
            return method + " " + comp;
        }
        String type = request.getHeaders().getValue(BLOB_TYPE);
        if (method.equals("PUT") && type != null) {
            return type.equals("AppendBlob") ? "Create Append Blob" : "Put Blob";
        }
        if (method.equals("GET") && request.getHeaders().getValue(RANGE) != null) {
            return "GET range";
        }
        return method;
    }

    @Override
    public HttpPipelinePolicy create() {
        return new HttpPipelinePolicy() {
            @Override
            public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
                count(context.getHttpRequest());
                return next.process();
            }

            @Override
            public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
                count(context.getHttpRequest());
                return next.processSync();
            }
        };
    }

    private static void count(HttpRequest request) {
        if (counting) {
            COUNTS.computeIfAbsent(operation(request), k -> new LongAdder()).increment();
        }
    }
}

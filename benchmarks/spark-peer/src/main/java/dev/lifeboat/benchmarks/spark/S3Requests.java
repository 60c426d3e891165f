package dev.lifeboat.benchmarks.spark;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Counts every HTTP request the AWS SDK sends in this JVM, retries included, by kind: registered
 * as a global interceptor in {@code software/amazon/awssdk/global/handlers/execution.interceptors},
 * so it sees the requests of the Lifeboat S3 store in the driver and in {@code local[2]}'s
 * executors alike. Only the S3 shuffle benchmark talks to S3 in this jar.
 */
public final class S3Requests implements ExecutionInterceptor {
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        COUNTS.computeIfAbsent(kind(context.httpRequest()), k -> new LongAdder())
                .increment();
    }

    /** PUT, PUT-if-none-match, GET-range, GET, LIST, HEAD, DELETE, POST (a batch delete), ... */
    private static String kind(SdkHttpRequest r) {
        String method = r.method().name();
        if (method.equals("GET")) {
            if (r.rawQueryParameters().containsKey("list-type")
                    || r.rawQueryParameters().containsKey("prefix")) {
                return "LIST";
            }
            return r.firstMatchingHeader("Range").isPresent() ? "GET-range" : "GET";
        }
        if (method.equals("PUT") && r.firstMatchingHeader("If-None-Match").isPresent()) {
            return "PUT-if-none-match";
        }
        return method;
    }

    /** The counts since the last call, by kind (sorted), and starts counting again from zero. */
    static Map<String, Long> takeCounts() {
        Map<String, Long> taken = new TreeMap<>();
        for (Map.Entry<String, LongAdder> e : COUNTS.entrySet()) {
            long n = e.getValue().sumThenReset();
            if (n > 0) {
                taken.put(e.getKey(), n);
            }
        }
        return taken;
    }
}

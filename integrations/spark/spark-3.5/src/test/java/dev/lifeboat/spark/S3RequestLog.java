package dev.lifeboat.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Every HTTP request the AWS SDK sends in this JVM, retries included (registered as a global
 * interceptor in {@code software/amazon/awssdk/global/handlers/execution.interceptors}).
 */
public final class S3RequestLog implements ExecutionInterceptor {
    private static final List<Request> REQUESTS = new ArrayList<>();

    /** One request: method, path, query and whether it is a server-side copy or conditional. */
    public record Request(String method, String path, String query, boolean copy, boolean ifNoneMatch) {
        boolean is(String m) {
            return method.equals(m);
        }

        boolean isList() {
            return method.equals("GET") && (query.contains("list-type") || query.contains("prefix"));
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        SdkHttpRequest r = context.httpRequest();
        String query = String.join("&", r.rawQueryParameters().keySet());
        synchronized (REQUESTS) {
            REQUESTS.add(new Request(
                    r.method().name(),
                    r.encodedPath(),
                    query,
                    r.firstMatchingHeader("x-amz-copy-source").isPresent(),
                    r.firstMatchingHeader("If-None-Match").isPresent()));
        }
    }

    static void reset() {
        synchronized (REQUESTS) {
            REQUESTS.clear();
        }
    }

    static List<Request> requests() {
        synchronized (REQUESTS) {
            return List.copyOf(new ArrayList<>(REQUESTS));
        }
    }

    static long count(Predicate<Request> p) {
        return requests().stream().filter(p).count();
    }
}

package dev.lifeboat.backend.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * An HTTP proxy in front of Azurite that records every request (method and query, e.g.
 * {@code PUT comp=appendblock}) and can answer chosen requests with an error — before forwarding
 * them (the request never reached storage) or after (it landed, but its answer is lost).
 */
final class CountingProxy implements AutoCloseable {
    /** What to do to a request. */
    enum Fault {
        NONE,
        FAIL_BEFORE,
        FAIL_AFTER
    }

    /** One request as seen. */
    record Seen(String method, String path, String query) {
        String op() {
            return method
                    + (query == null
                            ? ""
                            : " "
                                    + query.replaceAll("(^|&)(timeout|sv|se|sp|sr|sig)=[^&]*", "")
                                            .replaceAll("^&+|&+$", ""));
        }
    }

    private static final Set<String> RESTRICTED =
            Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Predicate<Seen> failBefore = s -> false;
    private volatile Predicate<Seen> failAfter = s -> false;

    CountingProxy(URI target) throws IOException {
        this.target = target;
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The account endpoint through this proxy. */
    URI endpoint(String account) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + account);
    }

    void failBefore(Predicate<Seen> which) {
        failBefore = which;
    }

    void failAfter(Predicate<Seen> which) {
        failAfter = which;
    }

    void reset() {
        seen.clear();
        failBefore = s -> false;
        failAfter = s -> false;
    }

    List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    long count(Predicate<Seen> which) {
        return seen.stream().filter(which).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            URI u = ex.getRequestURI();
            Seen s = new Seen(ex.getRequestMethod(), u.getPath(), u.getRawQuery());
            seen.add(s);
            byte[] body = ex.getRequestBody().readAllBytes();
            if (failBefore.test(s)) {
                ex.sendResponseHeaders(503, -1);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            URI.create(target.getScheme() + "://" + target.getRawAuthority() + u.getRawPath()
                                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            s.method(),
                            body.length == 0 && !s.method().equals("PUT")
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((k, values) -> {
                if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> b.header(k, v));
                }
            });
            HttpResponse<InputStream> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (failAfter.test(s)) {
                r.body().close();
                ex.sendResponseHeaders(500, -1);
                return;
            }
            byte[] out = r.body().readAllBytes();
            r.headers().map().forEach((k, values) -> {
                if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT)) && !k.equals(":status")) {
                    ex.getResponseHeaders().put(k, values);
                }
            });
            boolean head = s.method().equals("HEAD");
            if (head) {
                r.headers()
                        .firstValue("content-length")
                        .ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            }
            ex.sendResponseHeaders(r.statusCode(), head || out.length == 0 ? -1 : out.length);
            if (!head && out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

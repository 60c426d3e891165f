package dev.lifeboat.compat.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A small HTTP/1.1 proxy between a storage client and a real storage server (S3Proxy, Azurite)
 * that records every request and injects faults into the ones a rule matches: answer 500 or 503
 * without forwarding, drop the connection before forwarding, drop it after the server applied the
 * request (the answer is lost), hold the answer past the client's deadline, or change the answer's
 * body (a LIST with gaps, as some S3-compatible servers return under concurrent writes). Knows
 * HTTP only, no storage protocol: the tests of each backend say which requests a rule matches.
 * Loopback only; each client connection gets its own upstream connection and thread.
 *
 * <p>A conditional PUT (with {@code If-Match} or {@code If-None-Match}) is forwarded only whole and
 * one at a time until its answer is back, so a server that checks the condition when the headers
 * arrive and writes when the body has (S3Proxy) applies it atomically, as the real service does.
 */
public final class FaultProxy implements AutoCloseable {
    /** What to do to a matching request. */
    public enum Fault {
        /** Answer {@code 500 InternalError} without forwarding. */
        RESPOND_500,
        /** Answer {@code 503 SlowDown} without forwarding. */
        RESPOND_503,
        /** Close the client's connection without forwarding: the request never happened. */
        DROP_BEFORE_FORWARD,
        /** Forward, let the server apply it, then close the client's connection: the answer is lost. */
        DROP_AFTER_FORWARD,
        /** Forward, then hold the answer for the rule's delay (past the client's deadline). */
        DELAY_RESPONSE,
        /** Forward, then hand the client the answer with its body changed by the rule's function. */
        REWRITE_RESPONSE,
    }

    /**
     * One request as the proxy saw it.
     *
     * @param method the HTTP method
     * @param path the decoded path ({@code /bucket/key}, {@code /account/container/blob})
     * @param query the raw query, or empty
     * @param headers header names in lower case
     * @param fault the fault applied, if any
     */
    public record Request(
            String method, String path, String query, Map<String, String> headers, Optional<Fault> fault) {
        public boolean is(String m) {
            return method.equals(m);
        }

        public boolean hasHeader(String name) {
            return headers.containsKey(name.toLowerCase(Locale.ROOT));
        }

        /** The value of header {@code name}, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** A PUT with {@code If-None-Match} or {@code If-Match}. */
        public boolean conditionalPut() {
            return is("PUT") && (hasHeader("if-none-match") || hasHeader("if-match"));
        }

        public boolean pathContains(String s) {
            return path.contains(s);
        }

        /** Whether the raw query has parameter {@code name} (with or without a value). */
        public boolean hasQuery(String name) {
            for (String p : query.split("&", -1)) {
                if (p.equals(name) || p.startsWith(name + "=")) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Rule(
            Fault fault,
            Predicate<Request> match,
            AtomicInteger remaining,
            Duration delay,
            UnaryOperator<byte[]> rewrite) {}

    private final int upstreamPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    /** Responses longer than this that no rule matches are streamed through, not buffered. */
    private static final long STREAM_ABOVE_BYTES = 1 << 20;

    private static long contentLength(Map<String, String> headers) {
        String v = headers.get("content-length");
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Held while a conditional PUT is forwarded and answered: see the class comment. */
    private final java.util.concurrent.locks.ReentrantLock conditionalWrites =
            new java.util.concurrent.locks.ReentrantLock();

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Starts a proxy on a free loopback port in front of the server at loopback {@code upstreamPort}. */
    public FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where clients reach the proxy: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Applies {@code fault} to the next {@code times} requests that {@code match}. */
    public void inject(Fault fault, int times, Predicate<Request> match) {
        rules.add(new Rule(fault, match, new AtomicInteger(times), Duration.ZERO, UnaryOperator.identity()));
    }

    /** Holds the answers of the next {@code times} matching requests for {@code delay}. */
    public void delay(Duration delay, int times, Predicate<Request> match) {
        rules.add(new Rule(Fault.DELAY_RESPONSE, match, new AtomicInteger(times), delay, UnaryOperator.identity()));
    }

    /**
     * Hands the client the answers of the next {@code times} matching requests with their bodies
     * changed by {@code body} (the server applied the request as usual).
     */
    public void rewrite(int times, Predicate<Request> match, UnaryOperator<byte[]> body) {
        rules.add(new Rule(Fault.REWRITE_RESPONSE, match, new AtomicInteger(times), Duration.ZERO, body));
    }

    public void clearFaults() {
        rules.clear();
    }

    /** Every request seen since the last {@link #resetRequests()}. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public long count(Predicate<Request> match) {
        return requests().stream().filter(match).count();
    }

    /**
     * The requests seen, with those that {@code attempt} maps to the same non-null key counted
     * once: a client's HTTP stack may silently resend an idempotent request (GET, HEAD) that met a
     * keep-alive connection the server had just closed, while the SDK's own retries carry a new
     * attempt number (S3: {@code amz-sdk-invocation-id} and {@code amz-sdk-request}).
     */
    public List<Request> distinct(Function<Request, String> attempt) {
        Set<String> seen = new HashSet<>();
        List<Request> out = new ArrayList<>();
        for (Request r : requests()) {
            String key = attempt.apply(r);
            if (key == null || seen.add(key)) {
                out.add(r);
            }
        }
        return out;
    }

    public void resetRequests() {
        requests.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread t = new Thread(() -> serve(client), "fault-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            while (!closed) {
                String requestLine = readLine(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                List<String> headerLines = readHeaders(in);
                Map<String, String> headers = headerMap(headerLines);
                String[] parts = requestLine.split(" ", -1);
                String method = parts[0];
                String target = parts.length > 1 ? parts[1] : "/";
                int q = target.indexOf('?');
                String path =
                        java.net.URLDecoder.decode(q < 0 ? target : target.substring(0, q), StandardCharsets.UTF_8);
                String query = q < 0 ? "" : target.substring(q + 1);
                if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    headerLines.removeIf(h -> h.toLowerCase(Locale.ROOT).startsWith("expect:"));
                }
                byte[] body = readBody(in, headers, false);
                Request probe = new Request(method, path, query, headers, Optional.empty());
                Rule rule = match(probe);
                requests.add(new Request(
                        method, path, query, headers, rule == null ? Optional.empty() : Optional.of(rule.fault())));
                if (rule != null && (rule.fault() == Fault.RESPOND_500 || rule.fault() == Fault.RESPOND_503)) {
                    boolean slow = rule.fault() == Fault.RESPOND_503;
                    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                                    + (slow ? "SlowDown" : "InternalError") + "</Code><Message>injected by the fault"
                                    + " proxy</Message></Error>")
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(((slow ? "HTTP/1.1 503 Slow Down" : "HTTP/1.1 500 Internal Server Error")
                                    + "\r\nContent-Type: application/xml\r\nContent-Length: " + xml.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(xml);
                    out.flush();
                    continue;
                }
                if (rule != null && rule.fault() == Fault.DROP_BEFORE_FORWARD) {
                    return;
                }
                if (upstream == null || upstream.isClosed()) {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                    sockets.add(upstream);
                }
                // A conditional PUT goes upstream only whole (its body was read above) and one at a
                // time until its answer is back, so S3Proxy, which checks the condition when the
                // headers arrive and writes when the body has, applies it atomically, as S3 does.
                boolean conditional = method.equals("PUT")
                        && (headers.containsKey("if-match") || headers.containsKey("if-none-match"));
                if (conditional) {
                    conditionalWrites.lock();
                }
                String statusLine;
                List<String> responseHeaderLines;
                Map<String, String> responseHeaders;
                byte[] responseBody;
                try {
                    OutputStream up = upstream.getOutputStream();
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    head.write((requestLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    for (String h : headerLines) {
                        head.write((h + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    head.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    up.write(head.toByteArray());
                    up.write(body);
                    up.flush();
                    InputStream upIn = new BufferedInputStream(upstream.getInputStream());
                    statusLine = readLine(upIn);
                    if (statusLine == null) {
                        return;
                    }
                    responseHeaderLines = readHeaders(upIn);
                    responseHeaders = headerMap(responseHeaderLines);
                    int status = Integer.parseInt(statusLine.split(" ", -1)[1]);
                    boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || status / 100 == 1;
                    long length = contentLength(responseHeaders);
                    if (!noBody && rule == null && length > STREAM_ABOVE_BYTES) {
                        // A large body no rule touches is passed on as it comes, not held in memory.
                        ByteArrayOutputStream responseHead = new ByteArrayOutputStream();
                        responseHead.write((statusLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        for (String h : responseHeaderLines) {
                            responseHead.write((h + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                        responseHead.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        out.write(responseHead.toByteArray());
                        byte[] chunk = new byte[64 * 1024];
                        for (long left = length; left > 0; ) {
                            int n = upIn.read(chunk, 0, (int) Math.min(chunk.length, left));
                            if (n < 0) {
                                return;
                            }
                            out.write(chunk, 0, n);
                            left -= n;
                        }
                        out.flush();
                        responseBody = null;
                    } else {
                        responseBody = noBody ? new byte[0] : readBody(upIn, responseHeaders, true);
                    }
                } finally {
                    if (conditional) {
                        conditionalWrites.unlock();
                    }
                }
                if (responseBody == null) { // streamed above
                    if ("close".equalsIgnoreCase(responseHeaders.get("connection"))
                            || "close".equalsIgnoreCase(headers.get("connection"))) {
                        return;
                    }
                    continue;
                }
                if (rule != null && rule.fault() == Fault.DROP_AFTER_FORWARD) {
                    upstream.close();
                    return;
                }
                if (rule != null && rule.fault() == Fault.DELAY_RESPONSE) {
                    Thread.sleep(rule.delay().toMillis());
                }
                if (rule != null && rule.fault() == Fault.REWRITE_RESPONSE) {
                    boolean chunked = "chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"));
                    responseBody = rule.rewrite().apply(chunked ? dechunk(responseBody) : responseBody);
                    responseHeaderLines.removeIf(h -> h.toLowerCase(Locale.ROOT).startsWith("content-length:")
                            || h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:"));
                    responseHeaderLines.add("Content-Length: " + responseBody.length);
                }
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                response.write((statusLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                for (String h : responseHeaderLines) {
                    response.write((h + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                response.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                response.write(responseBody);
                out.write(response.toByteArray());
                out.flush();
                if ("close".equalsIgnoreCase(responseHeaders.get("connection"))
                        || "close".equalsIgnoreCase(headers.get("connection"))) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client or the server went away: so does this connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (upstream != null) {
                try {
                    upstream.close();
                } catch (IOException e) {
                    // closing anyway
                }
                sockets.remove(upstream);
            }
            sockets.remove(client);
        }
    }

    private Rule match(Request r) {
        for (Rule rule : rules) {
            if (rule.match().test(r)) {
                while (true) {
                    int left = rule.remaining().get();
                    if (left <= 0) {
                        break;
                    }
                    if (rule.remaining().compareAndSet(left, left - 1)) {
                        return rule;
                    }
                }
            }
        }
        return null;
    }

    private static Map<String, String> headerMap(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    private static List<String> readHeaders(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("connection closed inside the headers");
            }
            if (line.isEmpty()) {
                return lines;
            }
            lines.add(line);
        }
    }

    /** A body by Content-Length, chunked (kept as sent, framing included), or to the end of a response. */
    private static byte[] readBody(InputStream in, Map<String, String> headers, boolean response) throws IOException {
        String length = headers.get("content-length");
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new IOException("connection closed inside a chunked body");
                }
                raw.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(sizeLine.split(";", -1)[0].trim(), 16);
                if (size == 0) {
                    while (true) { // trailers, then an empty line
                        String trailer = readLine(in);
                        if (trailer == null) {
                            throw new IOException("connection closed inside chunk trailers");
                        }
                        raw.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        if (trailer.isEmpty()) {
                            return raw.toByteArray();
                        }
                    }
                }
                raw.write(in.readNBytes(size + 2)); // data and its CRLF
            }
        }
        if (length != null) {
            int n = Integer.parseInt(length);
            byte[] body = in.readNBytes(n);
            if (body.length != n) {
                throw new IOException("connection closed inside a body");
            }
            return body;
        }
        return response ? in.readAllBytes() : new byte[0];
    }

    /** The data of a chunked body kept with its framing by {@link #readBody}. */
    private static byte[] dechunk(byte[] raw) throws IOException {
        InputStream in = new ByteArrayInputStream(raw);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = sizeLine == null ? 0 : Integer.parseInt(sizeLine.split(";", -1)[0].trim(), 16);
            if (size == 0) {
                return data.toByteArray();
            }
            data.write(in.readNBytes(size));
            in.readNBytes(2);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

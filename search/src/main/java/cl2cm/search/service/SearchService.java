package cl2cm.search.service;

import cl2cm.search.Hit;
import cl2cm.search.VectorIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The search service: a JSON API, the gallery's pictures and a web page, on the JDK's HTTP server (jdk.httpserver:
 * it parses HTTP; this class only routes). Each request runs on its own virtual thread; at most
 * {@code maxInFlight} searches run at once and the rest wait briefly, then get 503, so a burst cannot exhaust
 * memory. Clients get JSON errors with a message, never a stack trace; unexpected failures are logged here.
 *
 * <pre>
 * GET /                          the search page
 * GET /api/search?q=...&amp;k=10[&amp;lang=de]   results as JSON (ids, cosine scores, picture URLs, language, timings)
 * GET /api/info                  model, index, languages
 * GET /api/health                200 {"status":"ok",...} when the index answers, else 503
 * GET /api/metrics               Prometheus text: requests by route and status, search latency histogram
 * GET /pictures/{id}             an item's picture
 * </pre>
 */
public final class SearchService implements AutoCloseable {
    /** The longest query accepted, in characters. */
    public static final int MAX_QUERY_CHARS = 500;
    /** The most results per request. */
    public static final int MAX_K = 100;

    private static final Logger LOG = Logger.getLogger(SearchService.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VectorIndex index;
    private final QueryEncoder encoder;
    private final Path pictureBase;
    private final String indexDescription;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight;
    private final ServiceMetrics metrics = new ServiceMetrics();

    /**
     * @param pictureBase where picture paths stored relative in the index start
     * @param port        0 picks a free port ({@link #port()} tells which)
     */
    public SearchService(VectorIndex index, QueryEncoder encoder, Path pictureBase, String indexDescription,
                         String host, int port, int maxInFlight) throws IOException {
        this.index = index;
        this.encoder = encoder;
        this.pictureBase = pictureBase.toAbsolutePath().normalize();
        this.indexDescription = indexDescription;
        this.inFlight = new Semaphore(maxInFlight);
        server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    public SearchService start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdown();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String route = route(path);
        int status;
        try {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                status = error(ex, 405, ex.getRequestMethod() + " is not supported; use GET");
            } else {
                status = switch (route) {
                    case "/" -> page(ex);
                    case "/api/search" -> search(ex);
                    case "/api/info" -> info(ex);
                    case "/api/health" -> health(ex);
                    case "/api/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                            metrics.prometheus(sizeOrMinusOne()).getBytes(StandardCharsets.UTF_8));
                    case "/pictures" -> picture(ex, path.substring("/pictures/".length()));
                    default -> error(ex, 404, "no such page: " + path);
                };
            }
        } catch (BadRequest e) {
            status = errorIfOpen(ex, e.status, e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "request " + ex.getRequestURI() + " failed", e);
            status = errorIfOpen(ex, 500, "internal error (logged by the service)");
        } finally {
            ex.close();
        }
        metrics.request(route, status);
    }

    private static String route(String path) {
        if (path.startsWith("/pictures/")) {
            return "/pictures";
        }
        return switch (path) {
            case "/", "/index.html" -> "/";
            case "/api/search", "/api/info", "/api/health", "/api/metrics" -> path;
            default -> "other";
        };
    }

    private int search(HttpExchange ex) throws Exception {
        long t0 = System.nanoTime();
        Map<String, String> p = query(ex.getRequestURI());
        String q = p.get("q");
        if (q == null || q.isBlank()) {
            throw new BadRequest(400, "missing q: /api/search?q=your+caption&k=10");
        }
        if (q.length() > MAX_QUERY_CHARS) {
            throw new BadRequest(400, "q is " + q.length() + " characters; at most " + MAX_QUERY_CHARS);
        }
        int k = 10;
        if (p.containsKey("k")) {
            try {
                k = Integer.parseInt(p.get("k").trim());
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "k must be a whole number, not '" + p.get("k") + "'");
            }
            if (k < 1 || k > MAX_K) {
                throw new BadRequest(400, "k must be between 1 and " + MAX_K + ", not " + k);
            }
        }
        String lang = p.get("lang");
        if (lang != null && (lang.isBlank() || lang.equals("auto"))) {
            lang = null;
        }
        if (!inFlight.tryAcquire(2, TimeUnit.SECONDS)) {
            throw new BadRequest(503, "busy: too many searches at once; retry shortly");
        }
        try {
            QueryEncoder.Encoded e;
            try {
                e = encoder.encode(q, lang);
            } catch (IllegalArgumentException bad) {
                throw new BadRequest(400, bad.getMessage());
            }
            long t1 = System.nanoTime();
            List<Hit> hits = index.search(e.vector(), k);
            long t2 = System.nanoTime();
            ObjectNode out = JSON.createObjectNode();
            out.put("query", q);
            out.put("language", e.language());
            out.put("languageDetected", e.detected());
            out.put("k", k);
            ArrayNode results = out.putArray("results");
            int rank = 1;
            for (Hit h : hits) {
                ObjectNode r = results.addObject();
                r.put("rank", rank++);
                r.put("id", h.id());
                r.put("score", Math.round(h.score() * 1e4) / 1e4);
                r.put("picture", h.picture() == null ? null
                        : "/pictures/" + URLEncoder.encode(h.id(), StandardCharsets.UTF_8).replace("+", "%20"));
            }
            ObjectNode took = out.putObject("tookMs");
            took.put("encode", ms(t1 - t0));
            took.put("search", ms(t2 - t1));
            took.put("total", ms(System.nanoTime() - t0));
            metrics.search((System.nanoTime() - t0) / 1e6);
            return json(ex, 200, out);
        } finally {
            inFlight.release();
        }
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    private int info(HttpExchange ex) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("model", encoder.describe());
        out.put("index", indexDescription);
        out.put("items", sizeOrMinusOne());
        out.put("dimensions", index.identity().dimensions());
        out.set("languages", JSON.valueToTree(encoder.languages()));
        out.put("maxK", MAX_K);
        out.put("maxQueryChars", MAX_QUERY_CHARS);
        return json(ex, 200, out);
    }

    private int health(HttpExchange ex) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        try {
            out.put("items", index.size());
            out.put("status", "ok");
            return json(ex, 200, out);
        } catch (IOException | RuntimeException e) {
            out.put("status", "unavailable");
            out.put("error", String.valueOf(e.getMessage()));
            return json(ex, 503, out);
        }
    }

    private long sizeOrMinusOne() {
        try {
            return index.size();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private int picture(HttpExchange ex, String rawId) throws IOException {
        String id = URLDecoder.decode(rawId, StandardCharsets.UTF_8);
        Optional<String> where = index.picture(id);
        if (where.isEmpty()) {
            throw new BadRequest(404, "no picture for item '" + id + "'");
        }
        String w = where.get();
        if (w.startsWith("http://") || w.startsWith("https://")) {
            ex.getResponseHeaders().set("Location", w);
            return send(ex, 302, "text/plain", new byte[0]);
        }
        // the path comes from the index, never from the request, so a request cannot reach other files
        Path file = pictureBase.resolve(w).normalize();
        if (!Files.isRegularFile(file)) {
            LOG.warning("picture of '" + id + "' is missing: " + file);
            throw new BadRequest(404, "the picture of item '" + id + "' is missing on the server");
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String type = name.endsWith(".png") ? "image/png" : name.endsWith(".jpg") || name.endsWith(".jpeg")
                ? "image/jpeg" : "application/octet-stream";
        ex.getResponseHeaders().set("Cache-Control", "max-age=3600");
        return send(ex, 200, type, Files.readAllBytes(file));
    }

    private int page(HttpExchange ex) throws IOException {
        try (InputStream in = SearchService.class.getResourceAsStream("/cl2cm/search/service/index.html")) {
            if (in == null) {
                throw new IOException("resource cl2cm/search/service/index.html missing from the jar");
            }
            return send(ex, 200, "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    /** The query string's parameters (the last of repeated ones); %-escapes and '+' decoded. */
    static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(400, "malformed %-escape in the query string");
            }
        }
        return out;
    }

    /** An error response, unless the response had started already (then the client sees a cut-off body). */
    private static int errorIfOpen(HttpExchange ex, int status, String message) {
        try {
            return error(ex, status, message);
        } catch (IOException | RuntimeException alreadySent) {
            return status;
        }
    }

    private static int error(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("error", message);
        out.put("status", status);
        return json(ex, status, out);
    }

    private static int json(HttpExchange ex, int status, ObjectNode body) throws IOException {
        return send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static int send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }

    /** A request the service refuses, with the HTTP status and the message the client gets. */
    static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}

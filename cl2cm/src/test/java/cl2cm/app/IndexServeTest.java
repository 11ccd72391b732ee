package cl2cm.app;

import cl2cm.search.lucene.LuceneIndex;
import cl2cm.search.service.LoadTest;
import cl2cm.search.service.SearchService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static cl2cm.app.ReliabilityTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** index, search --index, and the search service (API, pictures, errors, concurrency, load, the page in a browser). */
class IndexServeTest {
    @TempDir
    static Path shared;

    static Path run;
    static Path index;
    static SearchService service;
    static LuceneIndex served;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    /** A German test caption of the tiny run, a query the model knows every word of. */
    static String query;

    @BeforeAll
    static void trainIndexAndServe() throws Exception {
        Path cfg = shared.resolve("tiny.json");
        Files.writeString(cfg, ReliabilityTest.TINY);
        run = shared.resolve("run");
        ReliabilityTest.Result r = cli("demo", "--config", cfg.toString(), "--out", run.toString());
        assertEquals(0, r.status(), r.err());
        index = shared.resolve("index");
        r = cli("index", "--run", run.toString(), "--out", index.toString(), "--split", "all", "--batch", "24");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("80 items added, 0 already there, 80 in all"), r.out());
        RunFolder rf = RunFolder.open(run, System.err);
        query = rf.experiment.split("test").split().captions("de").get(0).text();
        served = LuceneIndex.openForSearch(index, 100);
        service = new SearchService(served, new RunQueryEncoder(RunFolder.openFor(served.identity(), null, "test"),
                "cl2cm"), index, "test index", "127.0.0.1", 0, 8).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (served != null) {
            served.close();
        }
    }

    static HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode getJson(String pathAndQuery, int expectedStatus) throws Exception {
        HttpResponse<byte[]> r = get(pathAndQuery);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(expectedStatus, r.statusCode(), body);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), body);
        return JSON.readTree(body);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- index and search --index ------------------------------------------------------------------------------

    @Test
    void indexingAgainAddsNothingAndSearchMatchesTheExactScan() throws Exception {
        ReliabilityTest.Result again = cli("index", "--run", run.toString(), "--out", index.toString(), "--split", "all");
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("0 items added, 80 already there, 80 in all"), again.out());

        ReliabilityTest.Result exact = cli("search", "--run", run.toString(), "--split", "test", "--query", query,
                "--top", "5", "--sheet", shared.resolve("exact.png").toString());
        ReliabilityTest.Result viaIndex = cli("search", "--index", index.toString(), "--query", query, "--top", "80",
                "--sheet", shared.resolve("indexed.png").toString());
        assertEquals(0, exact.status(), exact.err());
        assertEquals(0, viaIndex.status(), viaIndex.err());
        // the index holds all three splits, the exact scan only the test split: compare the test items' order
        List<String> exactIds = resultIds(exact.out());
        List<String> indexIds = resultIds(viaIndex.out()).stream().filter(exactIds::contains).toList();
        assertFalse(indexIds.isEmpty(), viaIndex.out());
        assertEquals(exactIds.subList(0, indexIds.size()), indexIds, exact.out() + "\n" + viaIndex.out());
        assertTrue(Files.size(shared.resolve("indexed.png")) > 0);

        // on the test split alone, index and exact scan agree item for item
        Path testOnly = shared.resolve("test-index");
        assertEquals(0, cli("index", "--run", run.toString(), "--out", testOnly.toString()).status());
        ReliabilityTest.Result t = cli("search", "--index", testOnly.toString(), "--query", query, "--top", "5",
                "--sheet", shared.resolve("t.png").toString());
        assertEquals(exactIds, resultIds(t.out()));
        assertEquals(scores(exact.out()), scores(t.out()));
    }

    private static List<String> resultIds(String out) {
        return out.lines().filter(l -> l.matches("\\s*\\d+\\. .*")).map(l -> l.trim().split("\\s+")[1]).toList();
    }

    private static List<String> scores(String out) {
        return out.lines().filter(l -> l.matches("\\s*\\d+\\. .*")).map(l -> l.trim().split("\\s+")[2]).toList();
    }

    @Test
    void anotherModelIsNeverMixedIn() throws Exception {
        var before = ReliabilityTest.snapshot(index);
        cli("index", "--run", run.toString(), "--model", "baseline", "--out", index.toString())
                .failsWith(index.toString(), "built from another model", "--overwrite");
        assertEquals(before, ReliabilityTest.snapshot(index));
        cli("index", "--run", run.toString(), "--out", index.toString(), "--solr", "http://localhost:1/solr",
                "--collection", "c").failsWith("--solr");
        cli("index", "--run", run.toString()).failsWith("no index given");
        cli("index", "--run", run.toString(), "--out", shared.resolve("x").toString(), "--split", "everything")
                .failsWith("--split must be train, val, test or all");
        cli("search", "--index", shared.resolve("nothing").toString(), "--query", query)
                .failsWith("no such index folder");
        cli("search", "--query", query).failsWith("give --run DIR");
        cli("serve", "--index", index.toString(), "--port", "70000").failsWith("--port must be between");
    }

    // ---- the service ------------------------------------------------------------------------------------------

    @Test
    void searchAnswersJsonWithPictures() throws Exception {
        JsonNode r = getJson("/api/search?k=5&q=" + q(query), 200);
        assertEquals(query, r.get("query").asText());
        assertEquals(5, r.get("results").size());
        assertEquals("de", r.get("language").asText(), "a German caption is detected as German");
        assertTrue(r.get("languageDetected").asBoolean());
        assertTrue(r.get("tookMs").get("total").asDouble() >= 0);
        double last = 2;
        for (JsonNode hit : r.get("results")) {
            double s = hit.get("score").asDouble();
            assertTrue(s <= last + 1e-9, "scores descend: " + r);
            last = s;
            HttpResponse<byte[]> pic = get(hit.get("picture").asText());
            assertEquals(200, pic.statusCode());
            assertEquals("image/png", pic.headers().firstValue("Content-Type").orElse(""));
            assertNotNull(ImageIO.read(new ByteArrayInputStream(pic.body())), "a decodable PNG");
        }
        JsonNode given = getJson("/api/search?lang=en&q=" + q(query), 200);
        assertEquals("en", given.get("language").asText());
        assertFalse(given.get("languageDetected").asBoolean());
        assertEquals(10, given.get("results").size(), "k defaults to 10");
        JsonNode info = getJson("/api/info", 200);
        assertEquals(80, info.get("items").asInt());
        assertTrue(info.get("languages").toString().contains("\"de\""), info.toString());
        assertEquals("ok", getJson("/api/health", 200).get("status").asText());
        String metrics = new String(get("/api/metrics").body(), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("cl2cm_requests_total{route=\"/api/search\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("cl2cm_search_seconds_count"), metrics);
        assertTrue(metrics.contains("cl2cm_index_items 80"), metrics);
        String page = new String(get("/").body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("<input id=\"q\""), page);
    }

    @Test
    void badRequestsGetJsonErrorsWithoutStackTraces() throws Exception {
        assertTrue(getJson("/api/search", 400).get("error").asText().contains("missing q"));
        assertTrue(getJson("/api/search?q=" + q(query) + "&k=0", 400).get("error").asText().contains("k must be between 1 and 100"));
        assertTrue(getJson("/api/search?q=" + q(query) + "&k=ten", 400).get("error").asText().contains("whole number"));
        assertTrue(getJson("/api/search?q=" + q(query) + "&k=101", 400).get("error").asText().contains("between 1 and 100"));
        assertTrue(getJson("/api/search?q=" + q("x".repeat(501)), 400).get("error").asText().contains("at most 500"));
        assertTrue(getJson("/api/search?q=" + q("☃ ☃"), 400).get("error").asText().contains("vocabulary"));
        assertTrue(getJson("/api/search?q=" + q(query) + "&lang=xx", 400).get("error").asText().contains("'xx'"));
        // a malformed escape (no HTTP client sends one, so it goes over a raw socket): the JDK server refuses
        // the request line itself with its own short 400 page, before any handler runs
        try (var socket = new java.net.Socket("127.0.0.1", service.port())) {
            socket.getOutputStream().write("GET /api/search?q=%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
            assertFalse(raw.contains("\tat "), raw);
        }
        assertEquals(404, getJson("/nope", 404).get("status").asInt());
        assertEquals(404, getJson("/pictures/no-such-item", 404).get("status").asInt());
        assertEquals(404, getJson("/pictures/..%2F..%2F..%2Fetc%2Fpasswd", 404).get("status").asInt());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port()
                + "/api/search?q=x")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertTrue(post.body().contains("use GET"), post.body());
        for (String body : List.of(post.body(), new String(get("/api/search?k=0&q=a").body(), StandardCharsets.UTF_8))) {
            assertFalse(body.contains("Exception") || body.contains("\tat "), body);
        }
    }

    /** Parallel requests get exactly the answers serial ones get (the encoder and index are shared). */
    @Test
    void concurrentRequestsAgreeWithSerialOnes() throws Exception {
        RunFolder rf = RunFolder.open(run, System.err);
        List<String> queries = rf.experiment.split("test").split().captions("de").stream().map(c -> c.text())
                .limit(12).toList();
        List<String> serial = new ArrayList<>();
        for (String qq : queries) {
            serial.add(getJson("/api/search?k=8&q=" + q(qq), 200).get("results").toString());
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> parallel = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (String qq : queries) {
                    parallel.add(pool.submit(() -> getJson("/api/search?k=8&q=" + q(qq), 200).get("results").toString()));
                }
            }
            for (int i = 0; i < parallel.size(); i++) {
                assertEquals(serial.get(i % queries.size()), parallel.get(i).get(), "query " + (i % queries.size()));
            }
        } finally {
            pool.shutdownNow();
        }
        LoadTest.Result load = LoadTest.run(URI.create("http://127.0.0.1:" + service.port() + "/"), queries, 120, 4, 10);
        assertEquals(120, load.ok(), load.table());
        assertTrue(load.percentile(99) >= load.percentile(50));
    }

    /** The page as a person uses it: type a caption, press Enter, see a grid of pictures with scores. */
    @Test
    void thePageShowsPicturesForATypedQuery() throws Exception {
        var chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "no Chromium installed (apt-get install chromium)");
        try (DevToolsSession page = DevToolsSession.open(chromium.get(), shared.resolve("chromium-profile"), 1100, 760)) {
            page.navigate("http://127.0.0.1:" + service.port() + "/");
            page.waitFor("the info line", () -> page.evalQuietly("document.getElementById('about').textContent")
                    .contains("80 pictures"), 15);
            page.eval("document.getElementById('q').focus()");
            page.type(query);
            page.pressEnter();
            page.waitFor("a grid of loaded pictures", () -> page.evalQuietly(
                    "(() => { const imgs = [...document.querySelectorAll('#results img')];"
                            + " return imgs.length === 12 && imgs.every(i => i.complete && i.naturalWidth > 0); })()")
                    .equals("true"), 20);
            assertTrue(page.evalQuietly("document.getElementById('status').textContent").contains("12 results"));
            assertTrue(page.evalQuietly("location.search").contains("q="), "the query is in the address");
            assertEquals("none", page.evalQuietly("getComputedStyle(document.getElementById('error')).display"));
            Path png = Path.of("target", "search-page.png");
            Files.createDirectories(png.getParent());
            page.screenshot(png);
            assertTrue(Files.size(png) > 10_000, "a screenshot with content");

            // an unusable query shows the service's message, not a broken page
            page.eval("document.getElementById('q').value = ''");
            page.eval("document.getElementById('q').focus()");
            page.type("☃ ☃");
            page.pressEnter();
            page.waitFor("the error banner", () -> page.evalQuietly("document.getElementById('error').textContent")
                    .contains("vocabulary"), 10);
        }
    }
}

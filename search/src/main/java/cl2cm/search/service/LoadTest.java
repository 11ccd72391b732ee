package cl2cm.search.service;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded, closed-loop load test of the search API: {@code threads} clients each send their next request as soon
 * as the previous one is answered, until {@code requests} have been sent, cycling through the queries.
 */
public final class LoadTest {
    private LoadTest() {
    }

    /** What a run measured: latencies of every request (ms, sorted), status counts, wall time. */
    public record Result(int requests, int threads, double seconds, double[] latenciesMs, Map<Integer, Integer> statuses) {
        public double throughput() {
            return requests / seconds;
        }

        public double percentile(double p) {
            int i = (int) Math.ceil(p / 100 * latenciesMs.length) - 1;
            return latenciesMs[Math.max(0, Math.min(latenciesMs.length - 1, i))];
        }

        public int ok() {
            return statuses.getOrDefault(200, 0);
        }

        public String table() {
            return String.format("%-9s %-8s %-10s %-9s %-9s %-9s %-9s %s%n%-9d %-8d %-10.0f %-9.2f %-9.2f %-9.2f %-9.2f %s",
                    "requests", "threads", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "statuses",
                    requests, threads, throughput(), percentile(50), percentile(90), percentile(99),
                    latenciesMs[latenciesMs.length - 1], statuses);
        }
    }

    public static Result run(URI base, List<String> queries, int requests, int threads, int k) throws Exception {
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("no queries to send");
        }
        if (requests < 1 || threads < 1) {
            throw new IllegalArgumentException("--requests and --threads must be at least 1");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<URI> uris = new ArrayList<>();
        for (String q : queries) {
            uris.add(base.resolve("/api/search?k=" + k + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)));
        }
        double[] latencies = new double[requests];
        int[] status = new int[requests];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                clients.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        HttpRequest req = HttpRequest.newBuilder(uris.get(i % uris.size()))
                                .timeout(Duration.ofSeconds(30)).GET().build();
                        long s = System.nanoTime();
                        int code;
                        try {
                            code = http.send(req, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                        } catch (java.io.IOException e) {
                            code = -1;   // connection failed or timed out
                        }
                        latencies[i] = (System.nanoTime() - s) / 1e6;
                        status[i] = code;
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(latencies);
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int s : status) {
            statuses.merge(s, 1, Integer::sum);
        }
        return new Result(requests, threads, seconds, latencies, statuses);
    }
}

package cl2cm.search.service;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counts by route and status, and a latency histogram of searches, in the Prometheus text format (what
 * Prometheus, Grafana agents and most metrics scrapers read).
 */
final class ServiceMetrics {
    /** Upper bounds of the latency buckets, milliseconds. */
    private static final double[] BUCKETS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder[] buckets = new LongAdder[BUCKETS_MS.length + 1];
    private final LongAdder searches = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder searchSeconds = new java.util.concurrent.atomic.DoubleAdder();
    private final long started = System.currentTimeMillis();

    ServiceMetrics() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void request(String route, int status) {
        requests.computeIfAbsent(route + "\u0000" + status, k -> new LongAdder()).increment();
    }

    void search(double millis) {
        searches.increment();
        searchSeconds.add(millis / 1000);
        int b = 0;
        while (b < BUCKETS_MS.length && millis > BUCKETS_MS[b]) {
            b++;
        }
        buckets[b].increment();
    }

    String prometheus(long items) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP cl2cm_requests_total HTTP requests answered, by route and status.\n");
        sb.append("# TYPE cl2cm_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] rs = k.split("\u0000");
            sb.append("cl2cm_requests_total{route=\"").append(rs[0]).append("\",status=\"").append(rs[1])
                    .append("\"} ").append(v.sum()).append('\n');
        });
        sb.append("# HELP cl2cm_search_seconds Time to answer /api/search (encode, search, JSON).\n");
        sb.append("# TYPE cl2cm_search_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < buckets.length; i++) {
            cumulative += buckets[i].sum();
            String le = i < BUCKETS_MS.length ? Double.toString(BUCKETS_MS[i] / 1000) : "+Inf";
            sb.append("cl2cm_search_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        sb.append("cl2cm_search_seconds_sum ").append(searchSeconds.sum()).append('\n');
        sb.append("cl2cm_search_seconds_count ").append(searches.sum()).append('\n');
        sb.append("# HELP cl2cm_index_items Items in the index.\n# TYPE cl2cm_index_items gauge\n");
        sb.append("cl2cm_index_items ").append(items).append('\n');
        sb.append("# HELP cl2cm_uptime_seconds Seconds since the service started.\n# TYPE cl2cm_uptime_seconds gauge\n");
        sb.append("cl2cm_uptime_seconds ").append((System.currentTimeMillis() - started) / 1000.0).append('\n');
        return sb.toString();
    }
}

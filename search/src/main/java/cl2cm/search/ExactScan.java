package cl2cm.search;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Every item scored against the query, in memory, through the engine's matrix product: exact, and the reference
 * that approximate indexes are measured against. A query costs one [Q, D] x [D, N] product plus a top-k pass, so
 * its time grows with the gallery; {@code docs/retrieval.md} shows where an HNSW index starts to pay off.
 */
public final class ExactScan implements VectorIndex {
    private final IndexIdentity identity;
    private final List<String> ids = new ArrayList<>();
    private final List<String> pictures = new ArrayList<>();
    private final Map<String, Integer> rowOf = new HashMap<>();
    private final List<float[]> pending = new ArrayList<>();
    /** [N, D] unit rows, rebuilt by commit(); read by many searching threads. */
    private volatile Tensor gallery;
    private volatile int committed;

    public ExactScan(IndexIdentity identity) {
        this.identity = identity;
        this.gallery = null;
    }

    /** A scan over {@code vectors} ([N, D] row-major, rows in {@code ids} order), committed. */
    public static ExactScan of(IndexIdentity identity, List<String> ids, float[] vectors, List<String> pictures) {
        int d = identity.dimensions();
        if (vectors.length != ids.size() * d) {
            throw new IllegalArgumentException(vectors.length + " floats for " + ids.size() + " items of " + d
                    + " dimensions");
        }
        ExactScan scan = new ExactScan(identity);
        List<Entry> entries = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            entries.add(new Entry(ids.get(i), Arrays.copyOfRange(vectors, i * d, (i + 1) * d),
                    pictures == null ? null : pictures.get(i)));
        }
        scan.add(entries);
        scan.commit();
        return scan;
    }

    @Override
    public IndexIdentity identity() {
        return identity;
    }

    @Override
    public long size() {
        return committed;
    }

    @Override
    public List<Hit> search(float[] query, int k) {
        return search(new float[][]{query}, k).get(0);
    }

    /** Several queries in one matrix product (higher throughput than one at a time); results per query. */
    public List<List<Hit>> search(float[][] queries, int k) {
        VectorIndex.checkK(k);
        int d = identity.dimensions();
        float[] q = new float[queries.length * d];
        for (int i = 0; i < queries.length; i++) {
            VectorIndex.checkVector(queries[i], d, "query " + i);
            System.arraycopy(queries[i], 0, q, i * d, d);
        }
        Tensor g = gallery;
        int n = committed;
        List<List<Hit>> out = new ArrayList<>(queries.length);
        if (g == null) {
            for (int i = 0; i < queries.length; i++) {
                out.add(List.of());
            }
            return out;
        }
        float[] scores;
        try (var noGrad = GradMode.disabled(); TensorScope scope = TensorScope.open("exact scan")) {
            // [Q, D] x [D, N] -> [Q, N]
            scores = Tensor.of(q, queries.length, d).matmul(g.mT()).toFloatArray();
        }
        for (int i = 0; i < queries.length; i++) {
            out.add(topK(scores, i * n, n, k));
        }
        return out;
    }

    /** The k best of scores[from, from + n), best first; ties go to the earlier row, as a stable sort would. */
    private List<Hit> topK(float[] scores, int from, int n, int k) {
        int m = Math.min(k, n);
        // a min-heap of the best m rows seen: worst on top (lower score, or the later row on a tie)
        PriorityQueue<Integer> heap = new PriorityQueue<>(m + 1, (a, b) -> {
            int c = Float.compare(scores[from + a], scores[from + b]);
            return c != 0 ? c : Integer.compare(b, a);
        });
        for (int r = 0; r < n; r++) {
            if (heap.size() < m) {
                heap.add(r);
            } else {
                int worst = heap.peek();
                float s = scores[from + r];
                if (s > scores[from + worst]) {
                    heap.poll();
                    heap.add(r);
                }
            }
        }
        Integer[] best = heap.toArray(new Integer[0]);
        Arrays.sort(best, (a, b) -> {
            int c = Float.compare(scores[from + b], scores[from + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Hit> hits = new ArrayList<>(best.length);
        for (int r : best) {
            hits.add(new Hit(ids.get(r), scores[from + r], pictures.get(r)));
        }
        return hits;
    }

    @Override
    public synchronized Optional<String> picture(String id) {
        Integer r = rowOf.get(id);
        return r == null || r >= committed ? Optional.empty() : Optional.ofNullable(pictures.get(r));
    }

    @Override
    public synchronized Set<String> ids() {
        return new HashSet<>(ids.subList(0, committed));
    }

    /** Adds items; an id already present is refused (the scan is rebuilt from scratch, never patched). */
    @Override
    public synchronized void add(List<Entry> entries) {
        for (Entry e : entries) {
            VectorIndex.checkVector(e.vector(), identity.dimensions(), "item '" + e.id() + "'");
            if (rowOf.putIfAbsent(e.id(), ids.size()) != null) {
                throw new IllegalArgumentException("item '" + e.id() + "' is in the gallery twice");
            }
            ids.add(e.id());
            pictures.add(e.picture());
            pending.add(e.vector().clone());
        }
    }

    @Override
    public synchronized void commit() {
        if (pending.isEmpty()) {
            return;
        }
        int d = identity.dimensions();
        int old = committed;
        int n = ids.size();
        float[] all = new float[n * d];
        if (gallery != null) {
            System.arraycopy(gallery.toFloatArray(), 0, all, 0, old * d);
        }
        for (int i = 0; i < pending.size(); i++) {
            System.arraycopy(pending.get(i), 0, all, (old + i) * d, d);
        }
        pending.clear();
        gallery = TensorScope.persistent(() -> Tensor.of(all, n, d));
        committed = n;
    }

    @Override
    public void close() {
    }
}

package cl2cm.eval;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Retrieval metrics between text queries and a gallery of items (images, or sentences for cross-lingual retrieval),
 * with the standard protocol when an item has several captions: text-to-item ranks each query's own item among all
 * items; item-to-text takes, for each item, the best rank of any of its captions among all queries.
 */
public final class Retrieval {
    private Retrieval() {
    }

    /** Recall@1/5/10 in percent both ways, their mean mR, and median ranks (1 = first). */
    public record Metrics(double r1T2v, double r5T2v, double r10T2v, double r1V2t, double r5V2t, double r10V2t,
                          double mR, double medrT2v, double medrV2t) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("r1_t2v", round(r1T2v));
            m.put("r5_t2v", round(r5T2v));
            m.put("r10_t2v", round(r10T2v));
            m.put("r1_v2t", round(r1V2t));
            m.put("r5_v2t", round(r5V2t));
            m.put("r10_v2t", round(r10V2t));
            m.put("mR", round(mR));
            m.put("medr_t2v", medrT2v);
            m.put("medr_v2t", medrV2t);
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /**
     * @param queries    [Q, E] unit query embeddings
     * @param queryItems the gallery index each query belongs to
     * @param gallery    [N, E] unit item embeddings
     */
    public static Metrics evaluate(Tensor queries, int[] queryItems, Tensor gallery) {
        int q = queries.size(0);
        int n = gallery.size(0);
        if (queryItems.length != q) {
            throw new IllegalArgumentException(q + " query embeddings but " + queryItems.length + " query items");
        }
        double[] sim;
        try (TensorScope scope = TensorScope.open("retrieval"); var g = GradMode.disabled()) {
            sim = queries.matmul(gallery.mT()).toDoubleArray();        // [Q, N]
        }
        // A NaN compares false against everything, so it would rank first and score a broken model R@1 = 100. Any
        // non-finite embedding makes its similarities non-finite; only then are the embeddings searched for it.
        for (double s : sim) {
            if (!Double.isFinite(s)) {
                requireFinite("query embeddings", queries);
                requireFinite("gallery embeddings", gallery);
                throw new IllegalStateException("similarities hold " + s + ": the embeddings overflow");
            }
        }
        int[] t2v = new int[q];
        int[] bestV2t = new int[n];
        Arrays.fill(bestV2t, Integer.MAX_VALUE);
        boolean[] hasCaption = new boolean[n];
        for (int i = 0; i < q; i++) {
            int item = queryItems[i];
            double own = sim[i * n + item];
            int rank = 1;
            for (int j = 0; j < n; j++) {
                // ties count against the query, so a collapsed model cannot score
                if (j != item && sim[i * n + j] >= own) {
                    rank++;
                }
            }
            t2v[i] = rank;
            hasCaption[item] = true;
        }
        for (int v = 0; v < n; v++) {
            if (!hasCaption[v]) {
                continue;
            }
            for (int i = 0; i < q; i++) {
                if (queryItems[i] != v) {
                    continue;
                }
                double own = sim[i * n + v];
                int rank = 1;
                for (int k = 0; k < q; k++) {
                    if (queryItems[k] != v && sim[k * n + v] >= own) {
                        rank++;
                    }
                }
                bestV2t[v] = Math.min(bestV2t[v], rank);
            }
        }
        int[] v2t = Arrays.stream(bestV2t).filter(r -> r != Integer.MAX_VALUE).toArray();
        double r1 = recall(t2v, 1), r5 = recall(t2v, 5), r10 = recall(t2v, 10);
        double s1 = recall(v2t, 1), s5 = recall(v2t, 5), s10 = recall(v2t, 10);
        return new Metrics(r1, r5, r10, s1, s5, s10, (r1 + r5 + r10 + s1 + s5 + s10) / 6, median(t2v), median(v2t));
    }

    /** Fails naming the tensor, row and value when any element is NaN or infinite. */
    static void requireFinite(String what, Tensor t) {
        double[] v = t.toDoubleArray();
        int cols = t.rank() == 2 ? t.size(1) : 1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalStateException(what + " hold " + v[i] + " at row " + i / cols + ": the model's "
                        + "weights or inputs are broken, so it is not scored");
            }
        }
    }

    static double recall(int[] ranks, int k) {
        long hits = Arrays.stream(ranks).filter(r -> r <= k).count();
        return 100.0 * hits / ranks.length;
    }

    static double median(int[] ranks) {
        int[] s = ranks.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}

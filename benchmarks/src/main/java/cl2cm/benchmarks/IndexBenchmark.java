package cl2cm.benchmarks;

import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.Tensor;
import cl2cm.search.Entry;
import cl2cm.search.ExactScan;
import cl2cm.search.Hit;
import cl2cm.search.IndexIdentity;
import cl2cm.search.lucene.HnswParams;
import cl2cm.search.lucene.LuceneIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A gallery of a million embeddings in an HNSW index (embedded Lucene) against the exact scan through the engine's
 * GEMM: build time, index size, query latency (p50/p99, one query at a time on one thread) and recall@k of the
 * index against the exact scan, at several ef. Prints one table.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx12g -cp benchmarks/target/benchmarks.jar cl2cm.benchmarks.IndexBenchmark \
 *     [--n 1000000] [--dims 128] [--queries 500] [--k 10] [--m 16] [--beam 100] [--ef 10,50,100,200]
 *     [--base emb.safetensors] [--folder /tmp/index-bench] [--merge]
 * </pre>
 *
 * The gallery: {@code --base} (embeddings exported from a run with {@code cl2cm export}; their rows serve as the
 * centres the generated points scatter around, so the gallery has a trained model's cluster structure) or, without
 * it, 1,000 random centres. Queries are further points of the same distribution, not in the gallery.
 */
public final class IndexBenchmark {
    private IndexBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = 1_000_000, dims = 128, queries = 500, k = 10, m = 16, beam = 100;
        int[] efs = {10, 50, 100, 200};
        Path base = null;
        Path folder = Path.of(System.getProperty("java.io.tmpdir"), "cl2cm-index-bench");
        boolean merge = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--dims" -> dims = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--m" -> m = Integer.parseInt(args[++i]);
                case "--beam" -> beam = Integer.parseInt(args[++i]);
                case "--ef" -> efs = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--base" -> base = Path.of(args[++i]);
                case "--folder" -> folder = Path.of(args[++i]);
                case "--merge" -> merge = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        float[][] centres = base == null ? randomCentres(1000, dims, new Random(1)) : readRows(base);
        dims = centres[0].length;
        Random rnd = new Random(7);
        IndexIdentity identity = new IndexIdentity(folder.toString(), "benchmark", "0".repeat(64), "0".repeat(64), dims);
        System.out.printf("gallery: %,d x %d (%s), %d queries, k = %d, HNSW M = %d, beam width = %d, %d threads%n",
                n, dims, base == null ? "1,000 random centres" : centres.length + " centres from " + base, queries, k,
                m, beam, Runtime.getRuntime().availableProcessors());

        // the gallery, generated once, kept as one [N, D] array for the exact scan
        float[] gallery = new float[n * dims];
        for (int i = 0; i < n; i++) {
            System.arraycopy(scatter(centres, rnd, dims), 0, gallery, i * dims, dims);
        }
        float[][] query = new float[queries][];
        for (int i = 0; i < queries; i++) {
            query[i] = scatter(centres, rnd, dims);
        }
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(Integer.toString(i));
        }

        deleteTree(folder);
        long t0 = System.nanoTime();
        try (LuceneIndex idx = LuceneIndex.openForWriting(folder, identity, new HnswParams(m, beam, 100), true)) {
            List<Entry> batch = new ArrayList<>(10_000);
            for (int i = 0; i < n; i++) {
                batch.add(new Entry(ids.get(i), Arrays.copyOfRange(gallery, i * dims, (i + 1) * dims), null));
                if (batch.size() == 10_000) {
                    idx.add(batch);
                    batch.clear();
                }
            }
            idx.add(batch);
            idx.commit();
            double buildS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("built in %.1f s: %d segments, %.0f MB%n", buildS, idx.segments(), sizeMb(folder));
            if (merge) {
                long t1 = System.nanoTime();
                idx.forceMerge();
                System.out.printf("merged to one segment in %.1f s: %.0f MB%n", (System.nanoTime() - t1) / 1e9,
                        sizeMb(folder));
            }
        }

        ExactScan scan = ExactScan.of(identity, ids, gallery, null);
        gallery = null;
        // ground truth, in batches of 50 queries per product
        List<Set<String>> truth = new ArrayList<>();
        for (int s = 0; s < queries; s += 50) {
            for (List<Hit> hits : scan.search(Arrays.copyOfRange(query, s, Math.min(queries, s + 50)), k)) {
                Set<String> ids10 = new HashSet<>();
                hits.forEach(h -> ids10.add(h.id()));
                truth.add(ids10);
            }
        }
        System.out.printf("%n%-22s %9s %9s %9s %11s%n", "method", "p50 ms", "p99 ms", "recall@" + k, "queries/s");
        long[] exactNs = time(query, Math.min(queries, 100), q -> scan.search(q, 10));
        row("exact scan (GEMM)", exactNs, 1.0);
        long tb = System.nanoTime();
        scan.search(Arrays.copyOfRange(query, 0, 64), k);
        double batchS = (System.nanoTime() - tb) / 1e9;
        System.out.printf("%-22s %9s %9s %9s %11.0f%n", "exact scan, 64/batch", "", "", "1.000", 64 / batchS);
        for (int ef : efs) {
            try (LuceneIndex idx = LuceneIndex.openForSearch(folder, ef)) {
                final int kk = k;
                long[] ns = time(query, queries, q -> idx.search(q, kk));
                double recall = 0;
                for (int i = 0; i < queries; i++) {
                    int hit = 0;
                    for (Hit h : idx.search(query[i], k)) {
                        hit += truth.get(i).contains(h.id()) ? 1 : 0;
                    }
                    recall += hit / (double) k;
                }
                row("HNSW ef=" + ef, ns, recall / queries);
            }
        }
    }

    interface Search {
        void run(float[] q) throws IOException;
    }

    /** Nanoseconds per query, one at a time, after two untimed passes (JIT warm-up). */
    private static long[] time(float[][] queries, int count, Search s) throws IOException {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < count; i++) {
                s.run(queries[i]);
            }
        }
        long[] ns = new long[count];
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            s.run(queries[i]);
            ns[i] = System.nanoTime() - t;
        }
        return ns;
    }

    private static void row(String name, long[] ns, double recall) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        double p50 = sorted[sorted.length / 2] / 1e6;
        double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
        double total = Arrays.stream(ns).sum() / 1e9;
        System.out.printf("%-22s %9.2f %9.2f %9.3f %11.0f%n", name, p50, p99, recall, ns.length / total);
    }

    private static float[] scatter(float[][] centres, Random r, int dims) {
        float[] c = centres[r.nextInt(centres.length)];
        float[] v = new float[dims];
        double sq = 0;
        for (int j = 0; j < dims; j++) {
            v[j] = c[j] + (float) (r.nextGaussian() * 0.5 / Math.sqrt(dims));
            sq += v[j] * v[j];
        }
        float inv = (float) (1 / Math.sqrt(sq));
        for (int j = 0; j < dims; j++) {
            v[j] *= inv;
        }
        return v;
    }

    private static float[][] randomCentres(int count, int dims, Random r) {
        float[][] c = new float[count][dims];
        for (float[] row : c) {
            double sq = 0;
            for (int j = 0; j < dims; j++) {
                row[j] = (float) r.nextGaussian();
                sq += row[j] * row[j];
            }
            for (int j = 0; j < dims; j++) {
                row[j] /= (float) Math.sqrt(sq);
            }
        }
        return c;
    }

    private static float[][] readRows(Path file) throws IOException {
        Tensor t = SafeTensors.read(file).get("embeddings");
        if (t == null || t.rank() != 2) {
            throw new IOException(file + ": expected an 'embeddings' tensor [N, D] (from 'cl2cm export')");
        }
        float[] v = t.toFloatArray();
        int rows = t.size(0), d = t.size(1);
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = Arrays.copyOfRange(v, i * d, (i + 1) * d);
        }
        return out;
    }

    private static double sizeMb(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.mapToLong(p -> p.toFile().length()).sum() / 1e6;
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}

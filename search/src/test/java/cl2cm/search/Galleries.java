package cl2cm.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test galleries: clustered unit vectors (as trained embeddings are), with ids "item-0", "item-1", … */
public final class Galleries {
    private Galleries() {
    }

    public static IndexIdentity identity(int dims) {
        return new IndexIdentity("/runs/test", "cl2cm", "a".repeat(64), "b".repeat(64), dims);
    }

    public static List<Entry> clustered(int n, int dims, int clusters, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = unit(gaussian(r, dims, 1));
        }
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = gaussian(r, dims, 0.35);
            float[] c = centres[r.nextInt(clusters)];
            for (int j = 0; j < dims; j++) {
                v[j] += c[j];
            }
            out.add(new Entry("item-" + i, unit(v), "pictures/item-" + i + ".png"));
        }
        return out;
    }

    public static float[] randomUnit(Random r, int dims) {
        return unit(gaussian(r, dims, 1));
    }

    private static float[] gaussian(Random r, int dims, double sigma) {
        float[] v = new float[dims];
        for (int j = 0; j < dims; j++) {
            v[j] = (float) (r.nextGaussian() * sigma);
        }
        return v;
    }

    public static float[] unit(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += x * x;
        }
        float inv = (float) (1 / Math.sqrt(sq));
        for (int j = 0; j < v.length; j++) {
            v[j] *= inv;
        }
        return v;
    }
}

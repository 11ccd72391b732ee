package cl2cm.report;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;

/**
 * Principal-component projection to two dimensions, fitted on all rows given together (e.g. image, source-caption
 * and target-caption embeddings of one model) so that the groups share axes and their distances stay comparable.
 */
public final class Projection {
    private Projection() {
    }

    /** Rows [n, d] to [n, 2]: centred, then onto the two right singular vectors with the largest singular values. */
    public static float[][] pca2(float[][] rows) {
        int n = rows.length;
        if (n < 2) {
            throw new IllegalArgumentException("a projection needs at least 2 rows, got " + n);
        }
        int d = rows[0].length;
        if (d < 2) {
            throw new IllegalArgumentException("a 2-D projection needs rows of at least 2 values, got " + d);
        }
        float[] mean = new float[d];
        for (float[] r : rows) {
            if (r.length != d) {
                throw new IllegalArgumentException("rows of unequal length: " + d + " and " + r.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / n;
            }
        }
        FMatrixRMaj x = new FMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.set(i, j, rows[i][j] - mean[j]);
            }
        }
        SingularValueDecomposition_F32<FMatrixRMaj> svd = DecompositionFactory_FDRM.svd(n, d, false, true, true);
        if (!svd.decompose(x.copy())) {
            throw new IllegalStateException("the SVD of the " + n + " x " + d + " embeddings did not converge");
        }
        float[] s = svd.getSingularValues();
        FMatrixRMaj v = svd.getV(null, false);   // [d, min(n, d)], columns are right singular vectors
        int[] top = topTwo(s);
        float[][] out = new float[n][2];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += x.get(i, j) * v.get(j, top[c]);
                }
                out[i][c] = (float) dot;
            }
        }
        return out;
    }

    private static int[] topTwo(float[] s) {
        int a = 0;
        for (int i = 1; i < s.length; i++) {
            a = s[i] > s[a] ? i : a;
        }
        int b = a == 0 ? 1 : 0;
        for (int i = 0; i < s.length; i++) {
            b = i != a && s[i] > s[b] ? i : b;
        }
        return new int[]{a, b};
    }
}

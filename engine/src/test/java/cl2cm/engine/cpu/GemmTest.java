package cl2cm.engine.cpu;

import cl2cm.engine.backend.MatOperand;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed GEMM against the float64 reference loop, called directly with what the tensor ops never pass together:
 * any alpha and beta (beta scales C block by block inside the tasks), all four transpose combinations, a row stride
 * wider than the matrix, a batch, and shapes around the tile (MR x 2 vectors), the blocks (MC, KC, NC) and the split
 * of a block's columns between threads.
 */
class GemmTest {
    @Test
    void matchesTheReferenceForAnyAlphaBetaAndLayout() {
        Random r = new Random(7);
        int[][] shapes = {{1, 1, 1}, {5, 3, 2}, {13, 37, 17}, {25, 70, 513}, {97, 33, 5}, {200, 130, 64},
                {7, 2100, 9}, {3, 16, 0}};
        float[][] alphaBeta = {{1, 0}, {1, 1}, {2.5f, -0.5f}, {0, 0.75f}, {-1, 0}};
        for (int[] s : shapes) {
            for (float[] ab : alphaBeta) {
                for (int layout = 0; layout < 8; layout++) {
                    // one product (threads split it) or a batch of two (one product per thread)
                    check(r, 1 + (layout >> 2), s[0], s[1], s[2], ab[0], ab[1], (layout & 1) != 0, (layout & 2) != 0);
                }
            }
        }
    }

    private static void check(Random r, int batch, int m, int n, int k, float alpha, float beta, boolean ta,
                              boolean tb) {
        int pad = 3;   // row stride wider than the row: operands that are column slices of a bigger matrix
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int aLd = aCols + pad, bLd = bCols + pad;
        float[] a = random(r, batch * aRows * aLd + 1);
        float[] b = random(r, batch * bRows * bLd + 1);
        float[] c = random(r, 1 + batch * m * n);
        MatOperand ao = new MatOperand(null, 1, (long) aRows * aLd, ta ? 1 : aLd, ta ? aLd : 1);
        MatOperand bo = new MatOperand(null, 0, (long) bRows * bLd, tb ? 1 : bLd, tb ? bLd : 1);
        double[] expected = toDoubles(c);
        ReferenceKernels.gemm(batch, m, n, k, alpha, ao, toDoubles(a), bo, toDoubles(b), beta, expected, 1);
        Gemm.gemm(batch, m, n, k, alpha, ao, a, bo, b, beta, c, 1);
        String what = batch + " x " + m + "x" + n + "x" + k + " alpha " + alpha + " beta " + beta + (ta ? " A^T" : "")
                + (tb ? " B^T" : "");
        assertEquals(expected[0], c[0], 0, what + ": wrote before C");
        for (int i = 1; i < c.length; i++) {
            assertEquals(expected[i], c[i], 1e-4 * (1 + Math.abs(expected[i])) * Math.max(1, Math.sqrt(k)),
                    what + ": element " + (i - 1));
        }
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static double[] toDoubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}

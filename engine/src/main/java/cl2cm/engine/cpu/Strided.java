package cl2cm.engine.cpu;

import cl2cm.engine.backend.View;

/**
 * Iterates several same-shaped strided operands together, as rows of an inner run. Dimensions of size 1 are
 * dropped and adjacent dimensions that are contiguous in every operand are merged, so the common cases
 * (everything contiguous, a broadcast row, a transposed matrix) become one or few long inner runs.
 */
final class Strided {
    final int[] shape;      // coalesced outer dims..., inner
    final int[][] strides;  // per operand
    final long[] offsets;   // per operand
    final int inner;
    final int rows;

    Strided(int[] fullShape, View... views) {
        int k = views.length;
        int rank = fullShape.length;
        int[] sh = new int[Math.max(rank, 1)];
        int[][] st = new int[k][Math.max(rank, 1)];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            if (fullShape[d] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int o = 0; o < k && merge; o++) {
                merge = st[o][r - 1] == views[o].strides()[d] * fullShape[d];
            }
            if (merge) {
                sh[r - 1] *= fullShape[d];
                for (int o = 0; o < k; o++) {
                    st[o][r - 1] = views[o].strides()[d];
                }
            } else {
                sh[r] = fullShape[d];
                for (int o = 0; o < k; o++) {
                    st[o][r] = views[o].strides()[d];
                }
                r++;
            }
        }
        if (r == 0) {
            sh[0] = 1;
            r = 1;
        }
        this.shape = java.util.Arrays.copyOf(sh, r);
        this.strides = new int[k][];
        this.offsets = new long[k];
        for (int o = 0; o < k; o++) {
            strides[o] = java.util.Arrays.copyOf(st[o], r);
            offsets[o] = views[o].offset();
        }
        this.inner = shape[r - 1];
        long n = 1;
        for (int d = 0; d < r - 1; d++) {
            n *= shape[d];
        }
        this.rows = (int) n;
    }

    /** Stride of operand o along the inner run. */
    int innerStride(int o) {
        return strides[o][shape.length - 1];
    }

    /** Start offset of operand o for a given row. */
    int rowOffset(int o, int row) {
        long off = offsets[o];
        int rem = row;
        for (int d = shape.length - 2; d >= 0; d--) {
            int i = rem % shape[d];
            rem /= shape[d];
            off += (long) i * strides[o][d];
        }
        return (int) off;
    }
}

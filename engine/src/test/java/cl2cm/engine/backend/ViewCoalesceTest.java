package cl2cm.engine.backend;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Coalesced views visit the same elements in the same order, over as few dimensions as possible. */
class ViewCoalesceTest {
    /** Storage offsets of a view's elements in row-major order. */
    private static long[] walk(View v) {
        long n = v.numel();
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            long off = v.offset();
            long rest = i;
            for (int d = v.rank() - 1; d >= 0; d--) {
                off += (rest % v.shape()[d]) * v.strides()[d];
                rest /= v.shape()[d];
            }
            out[i] = off;
        }
        return out;
    }

    private static View view(int[] shape, int[] strides, long offset) {
        return new View(null, shape, strides, offset);
    }

    @Test
    void denseViewsBecomeOneDimension() {
        View[] c = View.coalesce(view(new int[]{2, 1, 3, 4}, new int[]{12, 12, 4, 1}, 5));
        assertArrayEquals(new int[]{24}, c[0].shape());
        assertArrayEquals(new int[]{1}, c[0].strides());
        assertEquals(5, c[0].offset());
    }

    @Test
    void permutedHeadsKeepThreeDimensions() {
        // [B=2, T=3, heads=4, d=5] read as [B, heads, T, d]: B and the (T, d) pair cannot merge, d alone can't either.
        View src = view(new int[]{2, 4, 3, 5}, new int[]{60, 5, 20, 1}, 0);
        View dst = view(new int[]{2, 4, 3, 5}, new int[]{60, 15, 5, 1}, 0);
        View[] c = View.coalesce(src, dst);
        assertArrayEquals(new int[]{2, 4, 3, 5}, c[0].shape());
        View bcast = view(new int[]{4, 3, 5}, new int[]{0, 5, 1}, 0);   // broadcast rows: (3, 5) merges
        assertArrayEquals(new int[]{4, 15}, View.coalesce(bcast)[0].shape());
    }

    @Test
    void randomViewsWalkTheSameElements() {
        Random r = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            int rank = 1 + r.nextInt(5);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = 1 + r.nextInt(4);
            }
            View[] views = new View[1 + r.nextInt(3)];
            for (int v = 0; v < views.length; v++) {
                // Random permutation of a dense layout, with some dimensions broadcast.
                int[] order = new int[rank];
                for (int d = 0; d < rank; d++) {
                    order[d] = d;
                }
                for (int d = rank - 1; d > 0; d--) {
                    int j = r.nextInt(d + 1);
                    int t = order[d];
                    order[d] = order[j];
                    order[j] = t;
                }
                int[] strides = new int[rank];
                int acc = 1;
                for (int d = rank - 1; d >= 0; d--) {
                    strides[order[d]] = acc;
                    acc *= shape[order[d]];
                }
                for (int d = 0; d < rank; d++) {
                    if (r.nextInt(5) == 0) {
                        strides[d] = 0;
                    }
                }
                views[v] = view(shape, strides, r.nextInt(3));
            }
            View[] c = View.coalesce(views);
            for (int v = 0; v < views.length; v++) {
                assertArrayEquals(walk(views[v]), walk(c[v]), "trial " + trial);
                assertEquals(c[0].rank(), c[v].rank());
            }
        }
    }
}

package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/**
 * A strided window onto a storage: element (i0, i1, ...) lives at {@code offset + sum(ik * strides[k])}.
 * Broadcast dimensions have stride 0. This is what kernels see of a tensor.
 */
public record View(Storage storage, int[] shape, int[] strides, long offset) {
    public int rank() {
        return shape.length;
    }

    public long numel() {
        return cl2cm.engine.tensor.Shape.numel(shape);
    }

    /** True when the elements are laid out densely in row-major order starting at {@code offset}. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * The same element walk over fewer dimensions: size-1 dimensions are dropped and neighbours merged wherever every
     * view steps through them as through one dimension (outer stride = inner stride x inner size). All views must
     * have the same shape. Strided kernels do one division per dimension and element, so a permuted
     * [B, T, heads, d] copy becomes a 3-dimensional walk and a dense one a 1-dimensional one.
     */
    public static View[] coalesce(View... views) {
        int[] shape = views[0].shape();
        int r = shape.length;
        int[] ns = new int[Math.max(r, 1)];
        int[][] nst = new int[views.length][Math.max(r, 1)];
        int k = 0;
        for (int d = 0; d < r; d++) {
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = k > 0 && (long) ns[k - 1] * shape[d] <= Integer.MAX_VALUE;
            for (int v = 0; v < views.length && merge; v++) {
                merge = (long) nst[v][k - 1] == (long) views[v].strides()[d] * shape[d];
            }
            if (merge) {
                ns[k - 1] *= shape[d];
                for (int v = 0; v < views.length; v++) {
                    nst[v][k - 1] = views[v].strides()[d];
                }
            } else {
                ns[k] = shape[d];
                for (int v = 0; v < views.length; v++) {
                    nst[v][k] = views[v].strides()[d];
                }
                k++;
            }
        }
        if (k == 0) {   // a single element
            ns[0] = 1;
            k = 1;
        }
        View[] out = new View[views.length];
        for (int v = 0; v < views.length; v++) {
            out[v] = new View(views[v].storage(), java.util.Arrays.copyOf(ns, k), java.util.Arrays.copyOf(nst[v], k),
                    views[v].offset());
        }
        return out;
    }
}

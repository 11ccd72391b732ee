package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/**
 * Element by element: unary and broadcast binary functions, selection, in-place axpby, reductions over one axis, and dropout.
 * Part of {@link Backend}.
 */
public interface PointwiseKernels {
    /** out[i] = op(x[i], p, q) for the first n elements of contiguous storages. */
    void unary(UnaryOp op, double p, double q, Storage x, Storage out, long n);

    /** out = op(a, b) where a and b are views already broadcast to {@code out}'s shape (stride 0 where broadcast). */
    void binary(BinaryOp op, View a, View b, Storage out);

    /** out = cond != 0 ? a : b, all three views already broadcast to out's shape. */
    void where(View cond, View a, View b, Storage out);

    /** In place: dst = a * dst + b * src over n elements ({@code src} may be null when b == 0). */
    void axpby(Storage dst, double a, Storage src, double b, long n);

    /** Contiguous x viewed as [outer, len, inner] reduced over the middle axis into out [outer, inner]. */
    void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out);

    /**
     * Inverted dropout of the first n elements: out[i] = u(seed, i) < p ? 0 : scale * x[i], where u is the
     * counter-based uniform {@link DropoutHash#uniform}. Every backend drops the same elements for the same seed, and
     * backward applies the same call to the output gradient, so no mask is ever stored.
     */
    void dropout(Storage x, Storage out, long n, double p, double scale, long seed);
}

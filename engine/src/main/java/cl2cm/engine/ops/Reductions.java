package cl2cm.engine.ops;

import cl2cm.engine.autograd.Graph;
import cl2cm.engine.backend.ReduceOp;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

import java.util.Arrays;

/** Sum, mean and max over dimensions, and summing a broadcast gradient back to an input's shape. */
public final class Reductions {
    private Reductions() {
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduce = dimsMask(x, dims, "sum");
        Tensor out = reduceRaw(ReduceOp.SUM, x, reduce, keepDim);
        int[] keptShape = keptShape(x.shape(), reduce);
        return Graph.record("sum", out, new Tensor[]{x}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{g.reshape(keptShape).expand(x.shape())});
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduce = dimsMask(x, dims, "mean");
        long count = 1;
        for (int d = 0; d < reduce.length; d++) {
            count *= reduce[d] ? x.shape()[d] : 1;
        }
        return sum(x, dims, keepDim).mul(1.0 / count);
    }

    /** Maximum over dims; the gradient goes to the maximal elements, shared evenly among ties. */
    public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduce = dimsMask(x, dims, "max");
        Tensor out = reduceRaw(ReduceOp.MAX, x, reduce, keepDim);
        int[] keptShape = keptShape(x.shape(), reduce);
        return Graph.record("max", out, new Tensor[]{x}, Graph.saves(x, out), g -> {
            Tensor mask = Pointwise.eq(x, out.reshape(keptShape));
            Tensor count = reduceRaw(ReduceOp.SUM, mask, reduce, true);
            return new Tensor[]{mask.mul(g.reshape(keptShape).div(count))};
        });
    }

    /** Sums a gradient of a broadcast result down to the shape of the input that was broadcast. */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: cannot reduce shape " + Shape.str(gs) + " to " + Shape.str(shape));
        }
        boolean[] reduce = new boolean[gs.length];
        for (int d = 0; d < gs.length; d++) {
            reduce[d] = d < lead || (shape[d - lead] == 1 && gs[d] != 1);
        }
        return sumMasked(g, reduce).reshape(shape);
    }

    private static Tensor sumMasked(Tensor g, boolean[] reduce) {
        int n = 0;
        for (boolean r : reduce) {
            n += r ? 1 : 0;
        }
        int[] dims = new int[n];
        for (int d = 0, k = 0; d < reduce.length; d++) {
            if (reduce[d]) {
                dims[k++] = d;
            }
        }
        return sum(g, dims, true);
    }

    private static boolean[] dimsMask(Tensor x, int[] dims, String op) {
        boolean[] reduce = new boolean[x.rank()];
        for (int d : dims) {
            int dd = Shape.dim(d, x.rank(), op);
            if (reduce[dd]) {
                throw new IllegalArgumentException(op + ": dimension " + d + " given twice");
            }
            reduce[dd] = true;
        }
        return reduce;
    }

    private static int[] keptShape(int[] shape, boolean[] reduce) {
        int[] s = shape.clone();
        for (int d = 0; d < s.length; d++) {
            if (reduce[d]) {
                s[d] = 1;
            }
        }
        return s;
    }

    /** Reduces one axis at a time over contiguous data; no autograd. */
    private static Tensor reduceRaw(ReduceOp op, Tensor x, boolean[] reduce, boolean keepDim) {
        int[] shape = x.shape();
        Tensor cur = x.isContiguous() ? x : x.contiguousCopy();
        for (int d = shape.length - 1; d >= 0; d--) {
            if (!reduce[d]) {
                continue;
            }
            if (shape[d] == 0) {
                throw new IllegalArgumentException(op.name().toLowerCase() + ": cannot reduce an empty dimension "
                        + d + " of shape " + Shape.str(x.shape()));
            }
            int outer = 1;
            for (int i = 0; i < d; i++) {
                outer *= shape[i];
            }
            int inner = 1;
            for (int i = d + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            int len = shape[d];
            shape[d] = 1;
            Tensor next = Tensor.empty(x.dtype(), x.backend(), shape);
            x.backend().reduce(op, cur.storage(), outer, len, inner, next.storage());
            cur = next;
        }
        if (cur == x) {
            cur = x.contiguousCopy();
        }
        if (keepDim) {
            return cur;
        }
        int n = 0;
        for (boolean r : reduce) {
            n += r ? 0 : 1;
        }
        int[] out = new int[n];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (!reduce[d]) {
                out[k++] = shape[d];
            }
        }
        return new Tensor(cur.storage(), out);
    }
}

package cl2cm.engine.ops;

import cl2cm.engine.autograd.Graph;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Shape ops. Reshape of contiguous data, transpose, permute, narrow, expand, squeeze and unsqueeze are views that
 * share storage; concat, stack, contiguous and index selection copy.
 */
public final class Views {
    private Views() {
    }

    /** The kernel-level view of t broadcast to shape (stride 0 on broadcast and new leading dimensions). */
    public static View broadcastView(Tensor t, int[] shape) {
        int[] ts = t.shape();
        int[] st = t.strides();
        int lead = shape.length - ts.length;
        int[] strides = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (d < lead) {
                strides[d] = 0;
            } else if (ts[d - lead] == shape[d]) {
                strides[d] = st[d - lead];
            } else if (ts[d - lead] == 1) {
                strides[d] = 0;
            } else {
                throw new IllegalArgumentException("cannot broadcast shape " + Shape.str(ts) + " to " + Shape.str(shape));
            }
        }
        return new View(t.storage(), shape.clone(), strides, t.offset());
    }

    private static Tensor viewOf(Tensor t, int[] shape, int[] strides, long offset) {
        return new Tensor(t.storage(), shape, strides, offset);
    }

    public static Tensor reshape(Tensor t, int[] newShape) {
        int[] shape = resolveShape(t, newShape);
        if (Arrays.equals(shape, t.shape())) {
            return t;
        }
        Tensor src = t.view().isContiguous() ? t : contiguous(t);
        Tensor out = viewOf(src, shape, Shape.contiguousStrides(shape), src.offset());
        int[] original = t.shape();
        return Graph.record("reshape", out, new Tensor[]{src}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{g.reshape(original)});
    }

    private static int[] resolveShape(Tensor t, int[] newShape) {
        int[] shape = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Shape.str(newShape));
                }
                infer = d;
            } else if (shape[d] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Shape.str(newShape));
            } else {
                known *= shape[d];
            }
        }
        if (infer >= 0) {
            if (known == 0 || t.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Shape.str(newShape)
                        + " for a tensor of shape " + Shape.str(t.shape()));
            }
            shape[infer] = (int) (t.numel() / known);
        }
        if (Shape.numel(shape) != t.numel()) {
            throw new IllegalArgumentException("reshape: shape " + Shape.str(t.shape()) + " (" + t.numel()
                    + " elements) cannot become " + Shape.str(newShape));
        }
        return shape;
    }

    public static Tensor transpose(Tensor t, int dim0, int dim1) {
        int r = t.rank();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            perm[i] = i;
        }
        int a = Shape.dim(dim0, r, "transpose");
        int b = Shape.dim(dim1, r, "transpose");
        perm[a] = b;
        perm[b] = a;
        return permute(t, perm);
    }

    public static Tensor permute(Tensor t, int[] dims) {
        int r = t.rank();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " for a tensor of rank " + r);
        }
        int[] shape = new int[r];
        int[] strides = new int[r];
        int[] inverse = new int[r];
        boolean[] seen = new boolean[r];
        int[] ts = t.shape();
        int[] tst = t.strides();
        for (int i = 0; i < r; i++) {
            int d = Shape.dim(dims[i], r, "permute");
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dimension repeated in " + Arrays.toString(dims));
            }
            seen[d] = true;
            shape[i] = ts[d];
            strides[i] = tst[d];
            inverse[d] = i;
        }
        Tensor out = viewOf(t, shape, strides, t.offset());
        return Graph.record("permute", out, new Tensor[]{t}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{g.permute(inverse)});
    }

    public static Tensor narrow(Tensor t, int dim, int start, int length) {
        int d = Shape.dim(dim, t.rank(), "narrow");
        int[] shape = t.shape();
        if (start < 0 || length < 0 || start + length > shape[d]) {
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") is outside "
                    + "dimension " + d + " of shape " + Shape.str(shape));
        }
        int[] strides = t.strides();
        int[] original = t.shape();
        shape[d] = length;
        Tensor out = viewOf(t, shape, strides, t.offset() + (long) start * strides[d]);
        return Graph.record("narrow", out, new Tensor[]{t}, Graph.NOTHING_SAVED, g -> {
            Tensor full = Tensor.zeros(g.dtype(), g.backend(), original);
            Tensor window = viewOf(full, g.shape(), full.strides(), (long) start * full.strides()[d]);
            g.backend().copy(g.view(), window.view());
            return new Tensor[]{full};
        });
    }

    public static Tensor expand(Tensor t, int[] newShape) {
        int[] shape = newShape.clone();
        int lead = shape.length - t.rank();
        if (lead < 0) {
            throw new IllegalArgumentException("expand: shape " + Shape.str(newShape) + " has fewer dimensions than "
                    + Shape.str(t.shape()));
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (d < lead) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dimension");
                }
                shape[d] = t.shape()[d - lead];
            }
        }
        if (Arrays.equals(shape, t.shape())) {
            return t;
        }
        View v = broadcastView(t, shape);
        Tensor out = viewOf(t, shape, v.strides(), t.offset());
        int[] original = t.shape();
        return Graph.record("expand", out, new Tensor[]{t}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{Reductions.sumTo(g, original)});
    }

    public static Tensor unsqueeze(Tensor t, int dim) {
        int d = Shape.dim(dim, t.rank() + 1, "unsqueeze");
        int[] shape = new int[t.rank() + 1];
        int[] strides = new int[t.rank() + 1];
        int[] ts = t.shape();
        int[] tst = t.strides();
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (i == d) {
                shape[i] = 1;
                strides[i] = k < ts.length ? tst[k] * ts[k] : 1;
            } else {
                shape[i] = ts[k];
                strides[i] = tst[k];
                k++;
            }
        }
        Tensor out = viewOf(t, shape, strides, t.offset());
        int[] original = t.shape();
        return Graph.record("unsqueeze", out, new Tensor[]{t}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{g.reshape(original)});
    }

    public static Tensor squeeze(Tensor t, int dim) {
        int d = Shape.dim(dim, t.rank(), "squeeze");
        if (t.shape()[d] != 1) {
            throw new IllegalArgumentException("squeeze: dimension " + dim + " of shape " + Shape.str(t.shape())
                    + " is not 1");
        }
        int[] shape = new int[t.rank() - 1];
        int[] strides = new int[t.rank() - 1];
        for (int i = 0, k = 0; i < t.rank(); i++) {
            if (i != d) {
                shape[k] = t.shape()[i];
                strides[k++] = t.strides()[i];
            }
        }
        Tensor out = viewOf(t, shape, strides, t.offset());
        int[] original = t.shape();
        return Graph.record("squeeze", out, new Tensor[]{t}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{g.reshape(original)});
    }

    public static Tensor contiguous(Tensor t) {
        Tensor out = t.contiguousCopy();
        return Graph.record("contiguous", out, new Tensor[]{t}, Graph.NOTHING_SAVED, g -> new Tensor[]{g});
    }

    public static Tensor toDType(Tensor t, DType dtype) {
        if (t.dtype() == dtype) {
            return t;
        }
        Tensor out = Tensor.empty(dtype, t.backend(), t.shape());
        t.backend().copy(t.view(), out.view());
        DType original = t.dtype();
        return Graph.record("to_" + dtype, out, new Tensor[]{t}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{g.to(original)});
    }

    public static Tensor toBackend(Tensor t, Backend backend) {
        if (t.backend() == backend) {
            return t;
        }
        Tensor out = Tensor.of(t.toDoubleArray(), t.dtype(), backend, t.shape());
        Backend original = t.backend();
        return Graph.record("to_" + backend.name(), out, new Tensor[]{t}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{g.to(original)});
    }

    /** Joins tensors along an existing dimension; all other sizes must agree. */
    public static Tensor concat(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        Tensor first = parts.get(0);
        int d = Shape.dim(dim, first.rank(), "concat");
        int[] shape = first.shape();
        int total = 0;
        for (Tensor p : parts) {
            Ops.sameDevice("concat", first, p);
            int[] ps = p.shape();
            boolean ok = ps.length == shape.length;
            for (int i = 0; ok && i < ps.length; i++) {
                ok = i == d || ps[i] == shape[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat along " + d + ": shape " + Shape.str(ps)
                        + " does not match " + Shape.str(shape));
            }
            total += ps[d];
        }
        shape[d] = total;
        Tensor out = Tensor.empty(first.dtype(), first.backend(), shape);
        int[] starts = new int[parts.size()];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            starts[i] = at;
            int[] window = shape.clone();
            window[d] = p.shape()[d];
            View dst = new View(out.storage(), window, out.strides(), (long) at * out.strides()[d]);
            first.backend().copy(p.view(), dst);
            at += p.shape()[d];
        }
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        return Graph.record("concat", out, inputs, Graph.NOTHING_SAVED, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = g.narrow(d, starts[i], inputs[i].shape()[d]);
            }
            return grads;
        });
    }

    /** Joins same-shaped tensors along a new dimension. */
    public static Tensor stack(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("stack: no tensors");
        }
        int d = Shape.dim(dim, parts.get(0).rank() + 1, "stack");
        return concat(parts.stream().map(p -> p.unsqueeze(d)).toList(), d);
    }

    /** Splits into consecutive pieces of the given sizes along dim (views). */
    public static List<Tensor> split(Tensor t, int dim, int... sizes) {
        int d = Shape.dim(dim, t.rank(), "split");
        int sum = Arrays.stream(sizes).sum();
        if (sum != t.shape()[d]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + ", not dimension " + d + " of shape " + Shape.str(t.shape()));
        }
        Tensor[] out = new Tensor[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = t.narrow(d, at, sizes[i]);
            at += sizes[i];
        }
        return List.of(out);
    }

    /** Rows of t along dim picked by idx (repeats allowed); the gradient scatter-adds back. */
    public static Tensor indexSelect(Tensor t, int dim, int[] idx) {
        int d = Shape.dim(dim, t.rank(), "indexSelect");
        if (d != 0) {
            return indexSelect(t.transpose(0, d), 0, idx).transpose(0, d);
        }
        return selectRows(t, idx, -1, "indexSelect");
    }

    /**
     * Rows idx of t along dimension 0; the gradient scatter-adds back into the rows, except for positions holding
     * {@code noGradIdx} (an embedding's padding id; -1 for none).
     */
    static Tensor selectRows(Tensor t, int[] idx, int noGradIdx, String op) {
        Tensor src = t.contiguous();
        int rows = src.shape()[0];
        int cols = (int) (src.numel() / Math.max(1, rows));
        int[] shape = src.shape();
        shape[0] = idx.length;
        Tensor out = Tensor.empty(t.dtype(), t.backend(), shape);
        try {
            t.backend().gatherRows(src.storage(), rows, cols, idx, out.storage());
        } catch (IndexOutOfBoundsException e) {
            throw new IndexOutOfBoundsException(op + " on shape " + Shape.str(t.shape()) + ": " + e.getMessage());
        }
        int[] original = src.shape();
        // Backward reads idx itself (no array derived from it), so a replayed step sees the ids of its own batch.
        return Graph.record(op, out, new Tensor[]{src}, Graph.NOTHING_SAVED, g -> {
            Tensor gc = g.reshape(idx.length, cols).contiguous();
            Tensor full = Tensor.zeros(g.dtype(), g.backend(), original);
            g.backend().scatterAddRows(gc.storage(), cols, idx, noGradIdx, full.storage(), rows);
            return new Tensor[]{full};
        });
    }
}

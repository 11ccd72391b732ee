package cl2cm.engine.ops;

import cl2cm.engine.autograd.Graph;
import cl2cm.engine.backend.MatOperand;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

import java.util.Arrays;

/** Matrix products (torch.matmul semantics) on the backend's GEMM. */
public final class Linalg {
    private Linalg() {
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        Ops.sameDevice("matmul", a, b);
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands must have rank >= 1, got " + Shape.str(a.shape())
                    + " and " + Shape.str(b.shape()));
        }
        if (a.rank() == 1) {
            return matmul(a.unsqueeze(0), b).squeeze(-2);
        }
        if (b.rank() == 1) {
            return matmul(a, b.unsqueeze(1)).squeeze(-1);
        }
        int k = a.size(-1);
        if (b.size(-2) != k) {
            throw new IllegalArgumentException("matmul: inner sizes differ: " + Shape.str(a.shape()) + " @ "
                    + Shape.str(b.shape()));
        }
        if (b.rank() == 2 && a.rank() > 2) {
            // [..., m, k] @ [k, n]: one large GEMM over the flattened rows.
            int[] lead = Arrays.copyOf(a.shape(), a.rank() - 1);
            Tensor flat = matmul2d(a.reshape(-1, k), b);
            int[] outShape = Arrays.copyOf(lead, lead.length + 1);
            outShape[lead.length] = b.size(-1);
            return flat.reshape(outShape);
        }
        if (a.rank() == 2 && b.rank() == 2) {
            return matmul2d(a, b);
        }
        return batched(a, b);
    }

    /** Describes the last two dimensions of t as a GEMM operand (transposed views need no copy). */
    private static MatOperand operand(Tensor t, long batchStride) {
        int[] st = t.strides();
        return new MatOperand(t.storage(), t.offset(), batchStride, st[st.length - 2], st[st.length - 1]);
    }

    /**
     * bias + a b for a [m, k], b [k, n] and bias [n] added to every row, as one GEMM that adds the bias itself
     * ({@link cl2cm.engine.backend.Backend#gemmBias}: no separate add, and no [m, n] temporary).
     */
    public static Tensor addmm(Tensor bias, Tensor a, Tensor b) {
        Ops.sameDevice("addmm", bias, a, b);
        if (a.rank() != 2 || b.rank() != 2 || bias.rank() != 1 || a.size(1) != b.size(0) || bias.size(0) != b.size(1)) {
            throw new IllegalArgumentException("addmm: expected bias [n], a [m, k], b [k, n], got "
                    + Shape.str(bias.shape()) + ", " + Shape.str(a.shape()) + ", " + Shape.str(b.shape()));
        }
        int m = a.size(0);
        int k = a.size(1);
        int n = b.size(1);
        Tensor out = Tensor.empty(a.dtype(), a.backend(), m, n);
        Tensor packedBias = bias.contiguous();
        a.backend().gemmBias(m, n, k, operand(a, 0), operand(b, 0), packedBias.storage(), packedBias.offset(),
                out.storage());
        return Graph.record("addmm", out, new Tensor[]{bias, a, b}, productSaves(a, b), g -> new Tensor[]{
                bias.requiresGrad() ? g.sum(0, false) : null,
                a.requiresGrad() ? g.matmul(b.mT()) : null,
                b.requiresGrad() ? rightGradient(a, b, g) : null});
    }

    /** What the gradient of a b reads: b for a's gradient, a for b's (a Linear keeps its input, not its output). */
    private static Tensor[] productSaves(Tensor a, Tensor b) {
        return Graph.saves(a.requiresGrad() ? b : null, b.requiresGrad() ? a : null);
    }

    /**
     * a^T g, the gradient of the right operand of a b, laid out like b: when b is a transposed view (a Linear's
     * weight [out, in] used as W^T) it is computed as (g^T a)^T, so the weight's gradient arrives contiguous instead
     * of needing a transposing copy.
     */
    private static Tensor rightGradient(Tensor a, Tensor b, Tensor g) {
        boolean bTransposed = b.strides()[0] == 1 && b.strides()[1] == b.size(0) && b.size(0) > 1;
        return bTransposed ? g.mT().matmul(a).mT() : a.mT().matmul(g);
    }

    private static Tensor matmul2d(Tensor a, Tensor b) {
        int m = a.size(0);
        int k = a.size(1);
        int n = b.size(1);
        Tensor out = Tensor.empty(a.dtype(), a.backend(), m, n);
        a.backend().gemm(1, m, n, k, 1.0, operand(a, 0), operand(b, 0), 0.0, out.storage(), 0);
        return Graph.record("matmul", out, new Tensor[]{a, b}, productSaves(a, b), g -> new Tensor[]{
                a.requiresGrad() ? g.matmul(b.mT()) : null,
                b.requiresGrad() ? rightGradient(a, b, g) : null});
    }

    private static Tensor batched(Tensor a, Tensor b) {
        int[] aBatch = Arrays.copyOf(a.shape(), a.rank() - 2);
        int[] bBatch = Arrays.copyOf(b.shape(), b.rank() - 2);
        int[] batchShape = Shape.broadcast(aBatch, bBatch, "matmul batch dimensions");
        int m = a.size(-2);
        int k = a.size(-1);
        int n = b.size(-1);
        int batch = (int) Shape.numel(batchShape);
        MatOperand ao = batchOperand(a.expand(concat(batchShape, m, k)), batchShape.length);
        MatOperand bo = batchOperand(b.expand(concat(batchShape, k, n)), batchShape.length);
        Tensor out = Tensor.empty(a.dtype(), a.backend(), concat(batchShape, m, n));
        a.backend().gemm(batch, m, n, k, 1.0, ao, bo, 0.0, out.storage(), 0);
        return Graph.record("bmm", out, new Tensor[]{a, b}, productSaves(a, b), g -> new Tensor[]{
                a.requiresGrad() ? Reductions.sumTo(g.matmul(b.mT()), a.shape()) : null,
                b.requiresGrad() ? Reductions.sumTo(a.mT().matmul(g), b.shape()) : null});
    }

    /**
     * The batch dimensions of t as a GEMM operand: read in place when they collapse to one or two strided levels
     * (attention's [B, heads, T, d] views of [B, T, heads, d] are two), else from a contiguous copy.
     */
    private static MatOperand batchOperand(Tensor t, int batchRank) {
        int[] shape = t.shape();
        int[] st = t.strides();
        // The batch dimensions as the fewest strided levels that walk the same entries.
        View batch = View.coalesce(new View(t.storage(), Arrays.copyOf(shape, batchRank), Arrays.copyOf(st, batchRank),
                0))[0];
        int levels = batch.numel() == 1 ? 0 : batch.rank();
        int[] size = batch.shape();
        int[] stride = batch.strides();
        long rs = st[st.length - 2];
        long cs = st[st.length - 1];
        return switch (levels) {
            case 0 -> new MatOperand(t.storage(), t.offset(), 0, rs, cs);
            case 1 -> new MatOperand(t.storage(), t.offset(), stride[0], rs, cs);
            case 2 -> new MatOperand(t.storage(), t.offset(), stride[1], rs, cs, size[1], stride[0]);
            default -> {
                Tensor c = t.contiguous();
                int[] cst = c.strides();
                yield new MatOperand(c.storage(), c.offset(), (long) shape[shape.length - 2] * shape[shape.length - 1],
                        cst[cst.length - 2], cst[cst.length - 1]);
            }
        };
    }

    private static int[] concat(int[] lead, int x, int y) {
        int[] s = Arrays.copyOf(lead, lead.length + 2);
        s[lead.length] = x;
        s[lead.length + 1] = y;
        return s;
    }

}

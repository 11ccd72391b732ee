package cl2cm.engine.ops;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.autograd.Graph;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention as one op, fused into a kernel each way where the backend has one and
 * composed from batched matmuls, softmax and dropout elsewhere; both paths draw the same dropout mask.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Multi-head scaled dot-product attention: q [B, Tq, H], k and v [B, Tk, H] with H = heads x head size, an
     * additive key mask [B, 1, 1, Tk] (or null) and dropout p on the probabilities; returns the context [B, Tq, H]
     * (heads merged back). Where the backend fuses attention for these sizes ({@link Backend#fusesAttention}: on a
     * GPU, short sequences) it is one kernel each way that reads and writes the merged-heads layout directly and
     * keeps only each score row's log-sum-exp (backward recomputes the probabilities); otherwise it is composed of
     * batched matmuls over head views, softmax and dropout. Both draw the same dropout mask from {@code rng}.
     */
    public static Tensor multiHead(Tensor q, Tensor k, Tensor v, Tensor maskBias, int heads, double p, boolean training,
                                   Rng rng) {
        Ops.sameDevice("attention", q, k, v, maskBias);
        Ops.rank("attention", "query", q, 3);
        Ops.rank("attention", "key", k, 3);
        int b = q.size(0);
        int tq = q.size(1);
        int tk = k.size(1);
        int width = q.size(2);
        if (width % heads != 0 || !Arrays.equals(k.shape(), v.shape()) || k.size(0) != b || k.size(2) != width
                || (maskBias != null && !Arrays.equals(maskBias.shape(), new int[]{b, 1, 1, tk}))) {
            throw new IllegalArgumentException("attention: expected q [B, Tq, H], k and v [B, Tk, H] with H divisible "
                    + "by " + heads + " heads and a mask [B, 1, 1, Tk], got " + Shape.str(q.shape()) + ", "
                    + Shape.str(k.shape()) + ", " + Shape.str(v.shape()) + ", "
                    + (maskBias == null ? "no mask" : Shape.str(maskBias.shape())));
        }
        Nn.checkDropout(p);
        int hd = width / heads;
        double scale = 1.0 / Math.sqrt(hd);
        boolean maskNeedsGrad = maskBias != null && maskBias.requiresGrad();
        if (!maskNeedsGrad && q.backend().fusesAttention(q.dtype(), tq, tk, hd)) {
            return fusedAttention(q, k, v, maskBias, heads, scale, training ? p : 0, rng);
        }
        return composedAttention(q, k, v, maskBias, heads, scale, p, training, rng);
    }

    private static Tensor fusedAttention(Tensor q, Tensor k, Tensor v, Tensor maskBias, int heads, double scale,
                                         double p, Rng rng) {
        long seed = p > 0 ? rng.nextLong() : 0;
        Tensor qc = denseAtZero(q);
        Tensor kc = denseAtZero(k);
        Tensor vc = denseAtZero(v);
        Tensor mc = maskBias == null ? null : denseAtZero(maskBias);
        int b = q.size(0);
        int tq = q.size(1);
        int tk = k.size(1);
        int hd = q.size(2) / heads;
        Backend be = q.backend();
        Tensor lse = Tensor.empty(q.dtype(), be, b, heads, tq);
        Tensor out = Tensor.empty(q.dtype(), be, q.shape());
        be.attention(qc.storage(), kc.storage(), vc.storage(), Nn.storageOf(mc), lse.storage(),
                out.storage(), b, heads, tq, tk, hd, scale, p, seed);
        return Graph.record("attention", out, new Tensor[]{qc, kc, vc}, Graph.saves(qc, kc, vc, mc, lse), g -> {
            Tensor gc = denseAtZero(g);
            Tensor gq = Tensor.empty(g.dtype(), be, qc.shape());
            Tensor gk = Tensor.empty(g.dtype(), be, kc.shape());
            Tensor gv = Tensor.empty(g.dtype(), be, vc.shape());
            be.attentionBackward(qc.storage(), kc.storage(), vc.storage(), Nn.storageOf(mc),
                    lse.storage(), gc.storage(), gq.storage(), gk.storage(), gv.storage(), b, heads, tq, tk, hd, scale,
                    p, seed);
            return new Tensor[]{gq, gk, gv};
        });
    }

    private static Tensor denseAtZero(Tensor t) {
        return t.isContiguous() && t.offset() == 0 ? t : t.contiguousCopy();
    }

    /**
     * Attention from general ops: heads are views of q, k, v ([B, heads, T, hd], read in place by the batched GEMM);
     * scores, scaled and masked scores are freed as soon as the next op has run (no gradient rule reads them), the
     * probabilities after backward's last read, and the dropped-out probabilities are never kept.
     */
    private static Tensor composedAttention(Tensor q, Tensor k, Tensor v, Tensor maskBias, int heads, double scale,
                                            double p, boolean training, Rng rng) {
        int b = q.size(0);
        int tq = q.size(1);
        int tk = k.size(1);
        int hd = q.size(2) / heads;
        Tensor qh = q.reshape(b, tq, heads, hd).permute(0, 2, 1, 3);        // [B, nh, Tq, hd]
        Tensor kh = k.reshape(b, tk, heads, hd).permute(0, 2, 1, 3);        // [B, nh, Tk, hd]
        Tensor vh = v.reshape(b, tk, heads, hd).permute(0, 2, 1, 3);        // [B, nh, Tk, hd]
        Tensor raw = qh.matmul(kh.mT());                                     // [B, nh, Tq, Tk]
        Tensor scores = raw.mul(scale);
        TensorScope.releaseNow(raw);
        if (maskBias != null) {
            Tensor masked = scores.add(maskBias);
            TensorScope.releaseNow(scores);
            scores = masked;
        }
        Tensor weights = scores.softmax(-1);
        TensorScope.releaseNow(scores);
        Tensor ctx = dropoutMatmul(weights, vh, p, training, rng);          // [B, nh, Tq, hd]
        Tensor out = ctx.permute(0, 2, 1, 3).reshape(b, tq, heads * hd);
        if (out.storage() != ctx.storage()) {
            // The reshape copied it; the product's gradient needs the probabilities and v only.
            TensorScope.releaseNow(ctx);
        }
        return out;
    }

    /**
     * dropout(x) @ v (attention: dropped-out probabilities times values) with the same result, mask and gradients as
     * {@code dropout(x, p, training, rng).matmul(v)}, without keeping dropout(x) from forward to backward: backward
     * redraws it from x and the seed (one elementwise pass) instead of holding a second [B, heads, T, T] tensor per
     * layer.
     */
    public static Tensor dropoutMatmul(Tensor x, Tensor v, double p, boolean training, Rng rng) {
        Nn.checkDropout(p);
        if (!training || p == 0) {
            return x.matmul(v);
        }
        long seed = rng.nextLong();
        double scale = 1.0 / (1 - p);
        Tensor xc = x.contiguous();
        Tensor out;
        try (var g = GradMode.disabled()) {
            Tensor dropped = Nn.applyDropout(xc, p, scale, seed);
            out = dropped.matmul(v);
            TensorScope.releaseNow(dropped);
        }
        return Graph.record("dropout_matmul", out, new Tensor[]{xc, v},
                Graph.saves(v.requiresGrad() ? xc : null, xc.requiresGrad() ? v : null), g -> {
            Tensor dropped = Nn.applyDropout(xc, p, scale, seed);
            Tensor gv = v.requiresGrad() ? Reductions.sumTo(dropped.mT().matmul(g), v.shape()) : null;
            Tensor gx = xc.requiresGrad() ? Nn.applyDropout(g.matmul(v.mT()).contiguous(), p, scale, seed) : null;
            return new Tensor[]{gx, gv};
        });
    }
}

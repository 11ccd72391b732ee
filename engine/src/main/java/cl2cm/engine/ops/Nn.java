package cl2cm.engine.ops;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.autograd.Graph;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.ConvGeometry;
import cl2cm.engine.backend.MatOperand;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.Arrays;

/** Neural-network functions (the engine's torch.nn.functional), each with its gradient rule. */
public final class Nn {
    private Nn() {
    }

    // ---- softmax -----------------------------------------------------------------------------------------------

    public static Tensor softmax(Tensor x, int dim) {
        return softmax(x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return softmax(x, dim, true);
    }

    private static Tensor softmax(Tensor x, int dim, boolean log) {
        int d = Shape.dim(dim, x.rank(), log ? "logSoftmax" : "softmax");
        if (d != x.rank() - 1) {
            return softmax(x.transpose(d, -1), -1, log).transpose(d, -1);
        }
        Tensor xc = x.contiguous();
        int cols = x.size(-1);
        int rows = (int) (x.numel() / Math.max(1, cols));
        Tensor y = Tensor.empty(x.dtype(), x.backend(), x.shape());
        x.backend().softmax(xc.storage(), y.storage(), rows, cols, log);
        return Graph.record(log ? "log_softmax" : "softmax", y, new Tensor[]{xc}, Graph.saves(y), g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(g.dtype(), g.backend(), g.shape());
            g.backend().softmaxBackward(y.storage(), gc.storage(), gx.storage(), rows, cols, log);
            return new Tensor[]{gx};
        });
    }

    /** log(sum(exp(x))) along dim, computed stably around the (constant) maximum. */
    public static Tensor logSumExp(Tensor x, int dim, boolean keepDim) {
        Tensor m = x.detach().max(dim, true);
        Tensor out = x.sub(m).exp().sum(dim, true).log().add(m);
        return keepDim ? out : out.squeeze(dim);
    }

    // ---- normalisation -----------------------------------------------------------------------------------------

    /** A normalisation's optional gamma and beta must be vectors of {@code size} values. */
    private static void checkAffine(Tensor gamma, Tensor beta, int size, String op, String what) {
        for (Tensor p : new Tensor[]{gamma, beta}) {
            if (p != null && (p.rank() != 1 || p.size(0) != size)) {
                throw new IllegalArgumentException(op + ": weight/bias of shape " + Shape.str(p.shape()) + " for "
                        + what);
            }
        }
    }

    /** Layer norm over the last dimension, with optional affine gamma and beta of that size. */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        Ops.sameDevice("layerNorm", x, gamma, beta);
        int cols = x.size(-1);
        checkAffine(gamma, beta, cols, "layerNorm", "normalized size " + cols);
        int rows = (int) (x.numel() / Math.max(1, cols));
        Tensor xc = x.contiguous();
        Tensor gc = gamma == null ? null : gamma.contiguous();
        Tensor bc = beta == null ? null : beta.contiguous();
        Backend be = x.backend();
        Tensor y = Tensor.empty(x.dtype(), be, x.shape());
        Tensor mean = Tensor.empty(x.dtype(), be, rows);
        Tensor rstd = Tensor.empty(x.dtype(), be, rows);
        be.layerNorm(xc.storage(), storageOf(gc), storageOf(bc), y.storage(),
                mean.storage(), rstd.storage(), rows, cols, eps);
        return Graph.record("layer_norm", y, new Tensor[]{xc, gc, bc}, Graph.saves(xc, gc, mean, rstd), g -> {
            Tensor gyc = g.contiguous();
            Tensor gx = Tensor.empty(g.dtype(), be, x.shape());
            Tensor gg = gc != null && gc.requiresGrad() ? Tensor.zeros(g.dtype(), be, cols) : null;
            Tensor gb = bc != null && bc.requiresGrad() ? Tensor.zeros(g.dtype(), be, cols) : null;
            be.layerNormBackward(xc.storage(), storageOf(gc), mean.storage(), rstd.storage(),
                    gyc.storage(), gx.storage(), storageOf(gg), storageOf(gb),
                    rows, cols);
            return new Tensor[]{gx, gg, gb};
        });
    }

    /**
     * Batch norm over dimension 1 of [N, C] or [N, C, ...] inputs. In training it normalises with the batch
     * statistics (biased variance) and updates the running mean and variance in place (unbiased variance, weight
     * {@code momentum}, PyTorch's convention); in evaluation it uses the running statistics.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor gamma, Tensor beta,
                                   boolean training, double momentum, double eps) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("batchNorm: input must be [N, C, ...], got " + Shape.str(x.shape()));
        }
        if (training) {
            return batchNormTraining(x, runningMean, runningVar, gamma, beta, momentum, eps);
        }
        int[] statShape = new int[x.rank()];
        java.util.Arrays.fill(statShape, 1);
        statShape[1] = x.size(1);
        if (runningMean == null || runningVar == null) {
            throw new IllegalArgumentException("batchNorm: evaluation mode needs running statistics");
        }
        Tensor mean = runningMean.reshape(statShape);
        Tensor var = runningVar.reshape(statShape);
        return affine(x.sub(mean).mul(var.add(eps).pow(-0.5)), gamma, beta, statShape);
    }

    /** One kernel each way (Backend.batchNorm): the composed form took a dozen reductions and pointwise passes. */
    private static Tensor batchNormTraining(Tensor x, Tensor runningMean, Tensor runningVar, Tensor gamma,
                                           Tensor beta, double momentum, double eps) {
        Ops.sameDevice("batchNorm", x, gamma, beta);
        int n = x.size(0);
        int c = x.size(1);
        checkAffine(gamma, beta, c, "batchNorm", c + " channels");
        int s = (int) (x.numel() / Math.max(1, (long) n * c));
        long count = (long) n * s;
        if (count < 2) {
            throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, got "
                    + "input shape " + Shape.str(x.shape()));
        }
        Backend be = x.backend();
        Tensor xc = x.contiguous();
        Tensor gc = gamma == null ? null : gamma.contiguous();
        Tensor bc = beta == null ? null : beta.contiguous();
        Tensor y = Tensor.empty(x.dtype(), be, x.shape());
        Tensor mean = Tensor.empty(x.dtype(), be, c);
        Tensor rstd = Tensor.empty(x.dtype(), be, c);
        be.batchNorm(xc.storage(), storageOf(gc), storageOf(bc), y.storage(),
                mean.storage(), rstd.storage(), n, c, s, eps);
        if (runningMean != null) {
            try (var g = cl2cm.engine.autograd.GradMode.disabled()) {
                // Running variance is unbiased: var = rstd^-2 - eps, times count / (count - 1).
                Tensor unbiased = rstd.pow(-2).sub(eps).mul((double) count / (count - 1));
                be.axpby(runningMean.storage(), 1 - momentum, mean.storage(), momentum, c);
                be.axpby(runningVar.storage(), 1 - momentum, unbiased.storage(), momentum, c);
            }
        }
        return Graph.record("batch_norm", y, new Tensor[]{xc, gc, bc}, Graph.saves(xc, gc, mean, rstd), g -> {
            Tensor gyc = g.contiguous();
            Tensor gx = Tensor.empty(g.dtype(), be, x.shape());
            Tensor gg = gc != null && gc.requiresGrad() ? Tensor.empty(g.dtype(), be, c) : null;
            Tensor gb = bc != null && bc.requiresGrad() ? Tensor.empty(g.dtype(), be, c) : null;
            be.batchNormBackward(xc.storage(), storageOf(gc), mean.storage(), rstd.storage(),
                    gyc.storage(), gx.storage(), storageOf(gg), storageOf(gb),
                    n, c, s);
            return new Tensor[]{gx, gg, gb};
        });
    }

    private static Tensor affine(Tensor y, Tensor gamma, Tensor beta, int[] statShape) {
        if (gamma != null) {
            y = y.mul(gamma.reshape(statShape));
        }
        if (beta != null) {
            y = y.add(beta.reshape(statShape));
        }
        return y;
    }

    /** x / max(||x||_2, eps) along dim (torch.nn.functional.normalize). */
    public static Tensor l2Normalize(Tensor x, int dim, double eps) {
        Tensor norm = x.mul(x).sum(dim, true).sqrt();
        return x.div(norm.clamp(eps, Double.MAX_VALUE));
    }

    // ---- stochastic and lookup ---------------------------------------------------------------------------------

    /** Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1-p); identity when not training. */
    public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
        checkDropout(p);
        if (!training || p == 0) {
            return x;
        }
        long seed = rng.nextLong();
        double scale = 1.0 / (1 - p);
        Tensor y = applyDropout(x.contiguous(), p, scale, seed);
        // The mask is a function of (seed, index): backward redraws it instead of keeping it.
        return Graph.record("dropout", y, new Tensor[]{x}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{applyDropout(g.contiguous(), p, scale, seed)});
    }

    /**
     * dropout(x) + residual in one step (a transformer sublayer's output joining the residual stream): the same
     * result and gradients as {@code dropout(x, p, training, rng).add(residual)}, without keeping the dropped-out
     * tensor alive until the end of the step. x and residual must have the same shape.
     */
    public static Tensor dropoutAdd(Tensor x, Tensor residual, double p, boolean training, Rng rng) {
        checkDropout(p);
        Ops.sameShape("dropout-add", x, residual);
        if (!training || p == 0) {
            return x.add(residual);
        }
        long seed = rng.nextLong();
        double scale = 1.0 / (1 - p);
        Tensor y = applyDropout(x.contiguous(), p, scale, seed);
        Tensor r = residual.contiguous();
        y.backend().axpby(y.storage(), 1.0, r.storage(), 1.0, y.numel());
        return Graph.record("dropout_add", y, new Tensor[]{x, residual}, Graph.NOTHING_SAVED,
                g -> new Tensor[]{applyDropout(g.contiguous(), p, scale, seed), g});
    }

    /** t's storage, or null for an absent optional operand (affine parameters, masks). */
    static cl2cm.engine.tensor.Storage storageOf(Tensor t) {
        return t == null ? null : t.storage();
    }

    static void checkDropout(double p) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    static Tensor applyDropout(Tensor xc, double p, double scale, long seed) {
        Tensor y = Tensor.empty(xc.dtype(), xc.backend(), xc.shape());
        xc.backend().dropout(xc.storage(), y.storage(), y.numel(), p, scale, seed);
        return y;
    }

    /** Rows of weight [V, D] for each id; the result has shape idsShape + [D]. */
    public static Tensor embedding(Tensor weight, int[] ids, int... idsShape) {
        return embedding(weight, -1, ids, idsShape);
    }

    /**
     * Rows of weight [V, D] for each id, shaped idsShape + [D]; positions holding {@code paddingIdx} pass no gradient
     * to its row (torch.nn.Embedding's padding_idx; -1 for none).
     */
    public static Tensor embedding(Tensor weight, int paddingIdx, int[] ids, int... idsShape) {
        Ops.rank("embedding", "weight", weight, 2);
        if (Shape.numel(idsShape) != ids.length) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids for shape " + Shape.str(idsShape));
        }
        int[] outShape = java.util.Arrays.copyOf(idsShape, idsShape.length + 1);
        outShape[idsShape.length] = weight.size(1);
        return Views.selectRows(weight, ids, paddingIdx, "embedding").reshape(outShape);
    }

    /** x [..., in] times weight [out, in] transposed, plus bias [out] (PyTorch's Linear layout). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (bias == null || x.rank() < 2) {
            Tensor y = x.matmul(weight.mT());
            return bias == null ? y : y.add(bias);
        }
        // [..., in] -> [rows, in], one GEMM onto the broadcast bias, -> [..., out]
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = weight.size(0);
        Tensor rows = x.reshape(-1, x.size(-1));
        return Linalg.addmm(bias, rows, weight.mT()).reshape(outShape);
    }

    // ---- convolution and pooling -------------------------------------------------------------------------------

    /**
     * 2-D convolution of x [N, C, H, W] with weight [O, C, kh, kw] (no groups) plus optional bias [O], as im2col +
     * one GEMM over the whole batch: out [O, N*S] = W [O, C*kh*kw] x cols [C*kh*kw, N*S], S = oh*ow.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        Ops.sameDevice("conv2d", x, weight, bias);
        Ops.rank("conv2d", "input", x, 4);
        Ops.rank("conv2d", "weight", weight, 4);
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (ws[1] != xs[1]) {
            throw new IllegalArgumentException("conv2d: weight " + Shape.str(ws) + " expects " + ws[1]
                    + " input channels, input " + Shape.str(xs) + " has " + xs[1]);
        }
        ConvGeometry g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[2], ws[3], stride, stride, padding, padding);
        int n = xs[0];
        int o = ws[0];
        int ckk = ws[1] * ws[2] * ws[3];
        int spatial = g.oh() * g.ow();
        int cols = n * spatial;
        Backend be = x.backend();
        Tensor xc = x.contiguous();
        Tensor wc = weight.contiguous();
        Tensor unfolded = Tensor.empty(x.dtype(), be, ckk, cols);
        be.im2col(xc.storage(), g, unfolded.storage());
        Tensor flat = Tensor.empty(x.dtype(), be, o, cols);                      // [O, N*S]
        be.gemm(1, o, cols, ckk, 1.0, new MatOperand(wc.storage(), 0, 0, ckk, 1),
                new MatOperand(unfolded.storage(), 0, 0, cols, 1), 0.0, flat.storage(), 0);
        Tensor out = Tensor.empty(x.dtype(), be, n, o, g.oh(), g.ow());        // [O, N, S] -> [N, O, S]
        be.copy(new View(flat.storage(), new int[]{n, o, spatial}, new int[]{spatial, cols, 1}, 0),
                new View(out.storage(), new int[]{n, o, spatial}, new int[]{o * spatial, spatial, 1}, 0));
        TensorScope.releaseNow(flat);   // no gradient rule reads it
        // dx needs the weights, dW the unfolded input (the input itself is not read again).
        Tensor[] saved = Graph.saves(xc.requiresGrad() ? wc : null, wc.requiresGrad() ? unfolded : null);
        Tensor result = Graph.record("conv2d", out, new Tensor[]{xc, wc}, saved, gy -> {
            // Buffers that a copy or a GEMM with beta = 0 overwrites whole start uninitialised.
            Tensor gyc = gy.contiguous();
            Tensor gyFlat = Tensor.empty(gy.dtype(), be, o, cols);              // [N, O, S] -> [O, N*S]
            be.copy(new View(gyc.storage(), new int[]{o, n, spatial}, new int[]{spatial, o * spatial, 1}, 0),
                    new View(gyFlat.storage(), new int[]{o, n, spatial}, new int[]{cols, spatial, 1}, 0));
            Tensor gx = null;
            Tensor gw = null;
            if (xc.requiresGrad()) {
                // dcols [CKK, N*S] = W^T [CKK, O] x gy [O, N*S], folded back to pixels.
                Tensor dcols = Tensor.empty(gy.dtype(), be, ckk, cols);
                be.gemm(1, ckk, cols, o, 1.0, new MatOperand(wc.storage(), 0, 0, 1, ckk),
                        new MatOperand(gyFlat.storage(), 0, 0, cols, 1), 0.0, dcols.storage(), 0);
                gx = Tensor.zeros(gy.dtype(), be, xs);
                be.col2im(dcols.storage(), g, gx.storage());
            }
            if (wc.requiresGrad()) {
                // dW [O, CKK] = gy [O, N*S] x cols^T [N*S, CKK]
                gw = Tensor.empty(gy.dtype(), be, ws);
                be.gemm(1, o, ckk, cols, 1.0, new MatOperand(gyFlat.storage(), 0, 0, cols, 1),
                        new MatOperand(unfolded.storage(), 0, 0, 1, cols), 0.0, gw.storage(), 0);
            }
            return new Tensor[]{gx, gw};
        });
        return bias == null ? result : result.add(bias.reshape(1, o, 1, 1));
    }

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        Ops.rank("maxPool2d", "input", x, 4);
        int[] xs = x.shape();
        if (padding * 2 > kernel) {
            throw new IllegalArgumentException("maxPool2d: padding " + padding + " must be at most half the kernel "
                    + kernel);
        }
        ConvGeometry g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], kernel, kernel, stride, stride, padding, padding);
        Tensor xc = x.contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.backend(), xs[0], xs[1], g.oh(), g.ow());
        x.backend().maxPool2d(xc.storage(), g, out.storage());
        return Graph.record("max_pool2d", out, new Tensor[]{xc}, Graph.saves(xc), gy -> {
            Tensor gx = Tensor.zeros(gy.dtype(), gy.backend(), xs);
            gy.backend().maxPool2dBackward(xc.storage(), gy.contiguous().storage(), g, gx.storage());
            return new Tensor[]{gx};
        });
    }

    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        Ops.rank("avgPool2d", "input", x, 4);
        int[] xs = x.shape();
        ConvGeometry g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], kernel, kernel, stride, stride, padding, padding);
        Tensor xc = x.contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.backend(), xs[0], xs[1], g.oh(), g.ow());
        x.backend().avgPool2d(xc.storage(), g, out.storage());
        return Graph.record("avg_pool2d", out, new Tensor[]{xc}, Graph.NOTHING_SAVED, gy -> {
            Tensor gx = Tensor.zeros(gy.dtype(), gy.backend(), xs);
            gy.backend().avgPool2dBackward(gy.contiguous().storage(), g, gx.storage());
            return new Tensor[]{gx};
        });
    }

    /** Global average pooling: [N, C, H, W] -> [N, C] (AdaptiveAvgPool2d(1) then flatten). */
    public static Tensor globalAvgPool(Tensor x) {
        Ops.rank("globalAvgPool", "input", x, 4);
        return x.mean(new int[]{2, 3}, false);
    }
}

package cl2cm.loss;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

/**
 * Word-level alignment by entropic optimal transport between the token states of a source and a target sentence.
 * Cost C_ij = 1 - cos(x_i, y_j); uniform marginals over the real tokens (special tokens and padding masked out);
 * the plan P comes from log-domain Sinkhorn iterations and is held constant; the loss is the batch mean of
 * &lt;P, C&gt;, so gradients flow through the cost only.
 */
public final class SinkhornOt {
    private SinkhornOt() {
    }

    /** A masked entry's additive bias in the log-domain sums: large enough that exp() gives exactly 0. */
    private static final double MASKED = -1e9;

    /**
     * @param x     source token states [B, Ts, D]
     * @param y     target token states [B, Tt, D]
     * @param xMask [B, Ts], 1 for tokens that take part, 0 for special tokens and padding
     * @param yMask [B, Tt]
     */
    public static Tensor loss(Tensor x, Tensor y, Tensor xMask, Tensor yMask, double eps, int iterations) {
        return compute(x, y, xMask, yMask, eps, iterations)[0];
    }

    /** The loss and the transport plan [B, Ts, Tt]. */
    public static Tensor[] compute(Tensor x, Tensor y, Tensor xMask, Tensor yMask, double eps, int iterations) {
        Tensor cost = cost(x, y);
        Tensor plan = plan(cost, xMask, yMask, eps, iterations);
        return new Tensor[]{transportCost(plan, cost), plan};
    }

    /** C_ij = 1 - cos(x_i, y_j) for token states x [B, Ts, D] and y [B, Tt, D]. */
    public static Tensor cost(Tensor x, Tensor y) {
        if (x.rank() != 3 || y.rank() != 3 || x.size(0) != y.size(0) || x.size(2) != y.size(2)) {
            throw new IllegalArgumentException("OT needs token states [B, Ts, D] and [B, Tt, D], got "
                    + Shape.str(x.shape()) + " and " + Shape.str(y.shape()));
        }
        return Nn.l2Normalize(x, -1, 1e-12).matmul(Nn.l2Normalize(y, -1, 1e-12).mT()).neg().add(1.0);
    }

    /** Batch mean of &lt;plan, cost&gt;. */
    public static Tensor transportCost(Tensor plan, Tensor cost) {
        return plan.detach().mul(cost).sum(new int[]{1, 2}, false).mean();
    }

    /**
     * The entropic transport plan for a cost [B, Ts, Tt], by log-domain Sinkhorn (no gradient). The iterations'
     * temporaries are released as soon as the plan is known; only the plan outlives this call.
     */
    public static Tensor plan(Tensor cost, Tensor xMask, Tensor yMask, double eps, int iterations) {
        if (eps <= 0 || iterations < 1) {
            throw new IllegalArgumentException("OT needs epsilon > 0 and at least one iteration");
        }
        try (var g = GradMode.disabled(); TensorScope scope = TensorScope.open("sinkhorn")) {
            Tensor c = cost.detach();
            Tensor xm = xMask.to(c.dtype());
            Tensor ym = yMask.to(c.dtype());
            Tensor biasX = xm.sub(1.0).mul(-MASKED).unsqueeze(2);              // 0 or MASKED, [B, Ts, 1]
            Tensor biasY = ym.sub(1.0).mul(-MASKED).unsqueeze(1);              // [B, 1, Tt]
            Tensor logA = xm.sum(1, true).log().neg().mul(eps);               // eps * log(1/n_x), [B, 1]
            Tensor logB = ym.sum(1, true).log().neg().mul(eps);
            Tensor f = Tensor.zeros(c.dtype(), c.backend(), xm.shape());
            Tensor gg = Tensor.zeros(c.dtype(), c.backend(), ym.shape());
            for (int it = 0; it < iterations; it++) {
                f = logA.sub(Nn.logSumExp(gg.unsqueeze(1).sub(c).div(eps).add(biasY), 2, false).mul(eps));
                gg = logB.sub(Nn.logSumExp(f.unsqueeze(2).sub(c).div(eps).add(biasX), 1, false).mul(eps));
            }
            return scope.keep(f.unsqueeze(2).add(gg.unsqueeze(1)).sub(c).div(eps).exp().mul(xm.unsqueeze(2))
                    .mul(ym.unsqueeze(1)));
        }
    }
}

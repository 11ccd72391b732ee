package cl2cm.engine.optim;

import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.Tensor;

import java.util.Collection;

/** Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Scales all gradients by min(1, maxNorm / (norm + 1e-6)) and returns the norm before clipping. A non-finite
     * norm is an error: it means the loss or a gradient already overflowed.
     */
    public static double clipGlobalNorm(Collection<Parameter> params, double maxNorm) {
        // Sum of squares accumulated on the device, then one transfer to the host (not one per parameter).
        Tensor sq = null;
        try (cl2cm.engine.autograd.GradMode.Guard guard = cl2cm.engine.autograd.GradMode.set(false)) {
            for (Parameter p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    Tensor s = g.mul(g).sum();
                    sq = sq == null ? s.to(cl2cm.engine.tensor.DType.F64) : sq.add(s.to(cl2cm.engine.tensor.DType.F64));
                }
            }
        }
        double norm = sq == null ? 0 : Math.sqrt(sq.item());
        if (!Double.isFinite(norm)) {
            throw new ArithmeticException("gradient norm is " + norm + ": a loss or gradient is NaN or infinite");
        }
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1) {
            for (Parameter p : params) {
                if (p.grad() != null) {
                    p.backend().axpby(p.grad().storage(), scale, null, 0, p.grad().numel());
                }
            }
        }
        return norm;
    }
}

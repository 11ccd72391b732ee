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
        double sq = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) {
                sq += g.detach().mul(g.detach()).sum().item();
            }
        }
        double norm = Math.sqrt(sq);
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

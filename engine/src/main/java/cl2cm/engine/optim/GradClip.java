package cl2cm.engine.optim;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.Storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Scales all gradients by min(1, maxNorm / (norm + 1e-6)) and returns the norm before clipping. A non-finite
     * norm is an error: it means the loss or a gradient already overflowed.
     */
    public static double clipGlobalNorm(Collection<Parameter> params, double maxNorm) {
        // Grouped by backend, each group's gradients go through one multi-tensor kernel and one transfer, not a
        // handful of launches per parameter.
        Map<Backend, List<Storage>> grads = new LinkedHashMap<>();
        for (Parameter p : params) {
            if (p.grad() != null) {
                grads.computeIfAbsent(p.grad().backend(), b -> new ArrayList<>()).add(p.grad().storage());
            }
        }
        double sq = 0;
        for (Map.Entry<Backend, List<Storage>> e : grads.entrySet()) {
            sq += e.getKey().sumOfSquares(e.getValue());
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            throw new ArithmeticException("gradient norm is " + norm + ": a loss or gradient is NaN or infinite");
        }
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1) {
            grads.forEach((backend, storages) -> backend.scale(storages, scale));
        }
        return norm;
    }
}

package cl2cm.engine.optim;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.Storage;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Scales all gradients by min(1, maxNorm / (norm + 1e-6)) and returns the norm before clipping, as a scalar
     * float64 tensor on the parameters' backend: it stays on the device, so clipping does not stop the host (read it
     * with {@code item()} when you need it; a NaN or infinite norm means a loss or gradient overflowed, and then
     * nothing is scaled).
     */
    public static Tensor clipGlobalNorm(Collection<Parameter> params, double maxNorm) {
        Backend backend = null;
        List<Storage> grads = new ArrayList<>();
        for (Parameter p : params) {
            if (p.grad() == null) {
                continue;
            }
            if (backend != null && p.grad().backend() != backend) {
                throw new IllegalArgumentException("gradient clipping over parameters on both " + backend.name()
                        + " and " + p.grad().backend().name() + "; move the model to one device");
            }
            backend = p.grad().backend();
            grads.add(p.grad().storage());
        }
        if (backend == null) {
            return Tensor.scalar(0.0, DType.F64, cl2cm.engine.backend.Devices.cpu());
        }
        // One multi-tensor pass for the norm and one for the scaling, not a handful of launches per parameter.
        Tensor norm = Tensor.zeros(DType.F64, backend);
        backend.globalNorm(grads, norm.storage());
        backend.clipToNorm(grads, norm.storage(), maxNorm);
        return norm;
    }
}

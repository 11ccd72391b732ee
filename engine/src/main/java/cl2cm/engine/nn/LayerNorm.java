package cl2cm.engine.nn;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;

/** Layer normalisation over the last dimension with learned scale ("weight", ones) and shift ("bias", zeros). */
public final class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final double eps;

    public LayerNorm(int dim, double eps, DType dtype, Backend be) {
        this.weight = registerParameter("weight", Tensor.full(1.0, dtype, be, dim));
        this.bias = registerParameter("bias", Tensor.zeros(dtype, be, dim));
        this.eps = eps;
    }

    public Tensor forward(Tensor x) {
        return run(() -> Nn.layerNorm(x, weight, bias, eps));
    }
}

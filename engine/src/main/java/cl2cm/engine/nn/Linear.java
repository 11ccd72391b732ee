package cl2cm.engine.nn;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/** y = x W^T + b with W [out, in] and b [out], initialised like torch.nn.Linear. */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out, boolean bias, Rng rng) {
        this(in, out, bias, rng, DType.F32, cl2cm.engine.backend.Devices.cpu());
    }

    public Linear(int in, int out, boolean bias, Rng rng, DType dtype, Backend be) {
        this.weight = registerParameter("weight", Init.torchDefault(rng, in, dtype, be, out, in));
        this.bias = bias ? registerParameter("bias", Init.torchDefault(rng, in, dtype, be, out)) : null;
    }

    public Tensor forward(Tensor x) {
        return run(() -> Nn.linear(x, weight, bias));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}

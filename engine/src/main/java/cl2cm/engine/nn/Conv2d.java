package cl2cm.engine.nn;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/** Square-kernel 2-D convolution over NCHW, weight [out, in, k, k], initialised like torch.nn.Conv2d. */
public final class Conv2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int padding;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, Rng rng, DType dtype, Backend be) {
        int fanIn = in * kernel * kernel;
        this.weight = registerParameter("weight", Init.torchDefault(rng, fanIn, dtype, be, out, in, kernel, kernel));
        this.bias = bias ? registerParameter("bias", Init.torchDefault(rng, fanIn, dtype, be, out)) : null;
        this.stride = stride;
        this.padding = padding;
    }

    public Tensor forward(Tensor x) {
        return run(() -> Nn.conv2d(x, weight, bias, stride, padding));
    }

    public Parameter weight() {
        return weight;
    }
}

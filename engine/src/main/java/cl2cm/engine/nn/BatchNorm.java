package cl2cm.engine.nn;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;

/**
 * Batch normalisation over channel dimension 1 (BatchNorm1d for [N, C] or [N, C, L], BatchNorm2d for [N, C, H, W]),
 * with PyTorch's names (weight, bias, running_mean, running_var), momentum 0.1 and eps 1e-5 by default.
 */
public final class BatchNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final double momentum;
    private final double eps;

    public BatchNorm(int channels, DType dtype, Backend be) {
        this(channels, 0.1, 1e-5, dtype, be);
    }

    public BatchNorm(int channels, double momentum, double eps, DType dtype, Backend be) {
        this.weight = registerParameter("weight", Tensor.full(1.0, dtype, be, channels));
        this.bias = registerParameter("bias", Tensor.zeros(dtype, be, channels));
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(dtype, be, channels));
        this.runningVar = registerBuffer("running_var", Tensor.full(1.0, dtype, be, channels));
        this.momentum = momentum;
        this.eps = eps;
    }

    public Tensor forward(Tensor x) {
        return run(() -> Nn.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps));
    }
}

package cl2cm.engine.backend;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;

/**
 * Whole-model optimizer work in a few launches: the global gradient norm, clipping to it, and Adam/AdamW.
 * Part of {@link Backend}.
 */
public interface OptimizerKernels {
    /**
     * out[0] = the L2 norm of every element of every storage, accumulated in float64 (gradient clipping's global norm:
     * one pass for a whole model). {@code out} is a one-element float64 storage; the value stays on the device, so
     * clipping does not stop the host.
     */
    void globalNorm(java.util.List<Storage> xs, Storage out);

    /**
     * In place: every element of every storage times maxNorm / (norm[0] + 1e-6) when that factor is below 1, and
     * nothing otherwise (a NaN norm included). {@code norm} is the one-element float64 storage {@link #globalNorm}
     * wrote.
     */
    void clipToNorm(java.util.List<Storage> xs, Storage norm, double maxNorm);

    /**
     * One Adam/AdamW update of every element of every parameter (all of one dtype; a GPU does them all in one
     * launch): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m / bc1) / (sqrt(v / bc2) + eps) where
     * bc1 = 1 - b1^t, bc2 = 1 - b2^t. Decoupled weight decay (AdamW) multiplies p by (1 - lr * wd) first; L2
     * decay (Adam) adds wd * p to g. The values that change from step to step, {lr, t}, are read from the two-element
     * float64 storage {@code step}, so that a replayed {@link ReplayableStep} uses the current ones.
     */
    void adamUpdate(java.util.List<AdamTensors> tensors, Storage step, double beta1, double beta2, double eps,
                    double weightDecay, boolean decoupled);

    /** Checks the one-element float64 norm of {@link #globalNorm} and {@link #clipToNorm}; returns it. */
    static Storage requireNorm(Storage s, String op) {
        return requireF64(s, 1, op, "the norm must be one float64");
    }

    /** Checks the two-element float64 {lr, t} of {@link #adamUpdate}; returns it. */
    static Storage requireAdamStep(Storage s) {
        return requireF64(s, 2, "adamUpdate", "step must hold {lr, t} as two float64");
    }

    private static Storage requireF64(Storage s, int n, String op, String must) {
        if (s.dtype() != DType.F64 || s.numel() != n) {
            throw new IllegalArgumentException(op + ": " + must + ", got " + s.numel() + " " + s.dtype());
        }
        return s;
    }

    /** A parameter, its gradient and its two moment estimates: four storages of the same length. */
    record AdamTensors(Storage param, Storage grad, Storage m, Storage v) {
        public AdamTensors {
            long n = param.numel();
            if (grad.numel() != n || m.numel() != n || v.numel() != n) {
                throw new IllegalArgumentException("Adam: parameter of " + n + " elements with gradient "
                        + grad.numel() + ", moments " + m.numel() + " and " + v.numel());
            }
        }
    }
}

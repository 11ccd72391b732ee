package cl2cm.engine.nn;

import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/** Inverted dropout, active only in training mode; masks come from the given generator (seeded, resumable). */
public final class Dropout extends Module {
    private final double p;
    private final Rng rng;

    public Dropout(double p, Rng rng) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    public Tensor forward(Tensor x) {
        return run(() -> Nn.dropout(x, p, isTraining(), rng));
    }

    /** dropout(x) + residual, fused (see {@link Nn#dropoutAdd}); draws the same mask as {@code forward(x)} would. */
    public Tensor forwardAdd(Tensor x, Tensor residual) {
        return Nn.dropoutAdd(x, residual, p, isTraining(), rng);
    }
}

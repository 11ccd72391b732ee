package cl2cm.engine.nn.vision;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Dropout;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/** A projection head for precomputed features: Linear, ReLU, Dropout, Linear ({@code fc1}, {@code fc2}). */
public final class FeatureMlp extends Module {
    private final Linear fc1;
    private final Dropout dropout;
    private final Linear fc2;

    public FeatureMlp(int in, int hidden, int out, double dropout, Rng rng, DType dtype, Backend be) {
        fc1 = registerModule("fc1", new Linear(in, hidden, true, rng, dtype, be));
        this.dropout = registerModule("dropout", new Dropout(dropout, rng));
        fc2 = registerModule("fc2", new Linear(hidden, out, true, rng, dtype, be));
    }

    public Tensor forward(Tensor x) {
        return run(() -> fc2.forward(dropout.forward(fc1.forward(x).relu())));
    }
}

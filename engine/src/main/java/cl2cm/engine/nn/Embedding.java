package cl2cm.engine.nn;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * A lookup table [num, dim]; ids index rows. Initialised N(0, std) (BERT uses std 0.02, PyTorch 1.0). An optional
 * padding id gets no gradient, as torch.nn.Embedding's padding_idx.
 */
public final class Embedding extends Module {
    private final Parameter weight;
    private final int paddingIdx;

    public Embedding(int num, int dim, double std, Rng rng, DType dtype, Backend be) {
        this(num, dim, -1, std, rng, dtype, be);
    }

    /** {@code paddingIdx} -1 means none. */
    public Embedding(int num, int dim, int paddingIdx, double std, Rng rng, DType dtype, Backend be) {
        weight = registerParameter("weight", rng.normal(0, std, dtype, be, num, dim));
        this.paddingIdx = paddingIdx;
    }

    /** Rows for {@code ids}, shaped {@code idsShape + [dim]}. */
    public Tensor forward(int[] ids, int... idsShape) {
        return run(() -> Nn.embedding(weight, paddingIdx, ids, idsShape));
    }

    public Parameter weight() {
        return weight;
    }

    public int size() {
        return weight.size(0);
    }
}

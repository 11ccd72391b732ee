package cl2cm.engine.nn.bert;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;

/** BERT's initialisation: Linear weights N(0, 0.02), biases zero (Hugging Face's _init_weights). */
final class BertInit {
    static final double STD = 0.02;

    private BertInit() {
    }

    static Linear linear(int in, int out, Rng rng, DType dtype, Backend be) {
        Linear l = new Linear(in, out, true, rng, dtype, be);
        var w = rng.normal(0, STD, dtype, be, out, in);
        l.weight().copyFrom(w, "weight");
        l.bias().copyFrom(cl2cm.engine.tensor.Tensor.zeros(dtype, be, out), "bias");
        return l;
    }
}

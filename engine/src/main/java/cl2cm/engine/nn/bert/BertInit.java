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
        var zero = cl2cm.engine.tensor.Tensor.zeros(dtype, be, out);
        l.bias().copyFrom(zero, "bias");
        // Models are built outside any scope: without this the temporaries would wait for the garbage collector.
        w.storage().release();
        zero.storage().release();
        return l;
    }
}

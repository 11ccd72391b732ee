package cl2cm.engine.nn.bert;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Dropout;
import cl2cm.engine.nn.LayerNorm;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

/**
 * One post-LayerNorm transformer encoder layer with Hugging Face's parameter names:
 * {@code attention.self.{query,key,value}}, {@code attention.output.{dense,LayerNorm}}, {@code intermediate.dense},
 * {@code output.{dense,LayerNorm}}.
 */
public final class BertLayer extends Module {
    private final MultiHeadAttention self;
    private final Linear attnOut;
    private final LayerNorm attnNorm;
    private final Linear intermediate;
    private final Linear out;
    private final LayerNorm outNorm;
    private final Dropout dropout;
    private final boolean geluTanh;

    public BertLayer(BertConfig c, Rng rng, DType dtype, Backend be) {
        int h = c.hiddenSize();
        Module attention = registerModule("attention", new Container());
        self = ((Container) attention).add("self",
                new MultiHeadAttention(h, c.numAttentionHeads(), c.attentionProbsDropoutProb(), rng, dtype, be));
        Container attnOutput = ((Container) attention).add("output", new Container());
        attnOut = attnOutput.add("dense", BertInit.linear(h, h, rng, dtype, be));
        attnNorm = attnOutput.add("LayerNorm", new LayerNorm(h, c.layerNormEps(), dtype, be));
        intermediate = registerModule("intermediate", new Container())
                .add("dense", BertInit.linear(h, c.intermediateSize(), rng, dtype, be));
        Container output = registerModule("output", new Container());
        out = output.add("dense", BertInit.linear(c.intermediateSize(), h, rng, dtype, be));
        outNorm = output.add("LayerNorm", new LayerNorm(h, c.layerNormEps(), dtype, be));
        dropout = registerModule("dropout", new Dropout(c.hiddenDropoutProb(), rng));
        geluTanh = c.geluTanh();
    }

    /** Self-attention over x [B, T, H] with an additive key mask [B, 1, 1, T] (or null), then the feed-forward. */
    public Tensor forward(Tensor x, Tensor maskBias) {
        return run(() -> compute(x, maskBias));
    }

    private Tensor compute(Tensor x, Tensor maskBias) {
        Tensor context = self.forward(x, x, maskBias);
        Tensor a = attnNorm.forward(residual(attnOut.forward(context), x));
        Tensor hmid = intermediate.forward(a);
        hmid = geluTanh ? hmid.geluTanh() : hmid.gelu();
        return outNorm.forward(residual(out.forward(hmid), a));
    }

    /**
     * dropout(y) + x. The gradient of dropout + add reads no values (the mask is redrawn from its seed) and a
     * Linear's gradient needs its input, not its output, so y is freed at once rather than when the layer returns
     * (the feed-forward's [B, T, 4H] activations are allocated after it).
     */
    private Tensor residual(Tensor y, Tensor x) {
        Tensor sum = dropout.forwardAdd(y, x);
        TensorScope.releaseNow(y);
        return sum;
    }

    /** A named grouping without computation of its own, to reproduce Hugging Face's module tree. */
    static final class Container extends Module {
        <M extends Module> M add(String name, M m) {
            return registerModule(name, m);
        }
    }
}

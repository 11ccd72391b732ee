package cl2cm.model;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * A BERT encoder, masked mean pooling over the real tokens, and a linear projection into the shared space,
 * L2-normalised. One encoder serves every language.
 */
public final class TextEncoder extends Module {
    /** The sentence embedding [B, E] (unit length) and the token states [B, T, H] with the batch they came from. */
    public record Encoded(Tensor embedding, Tensor tokens, TokenBatch batch) {
    }

    private final BertModel bert;
    private final Linear proj;
    private final DType dtype;
    private final Backend backend;

    public TextEncoder(BertConfig cfg, int embedDim, Rng rng, DType dtype, Backend be) {
        this(new BertModel(cfg, rng, dtype, be), embedDim, rng, dtype, be);
    }

    /** Around an existing (e.g. pre-trained) BERT; only the projection is initialised here. */
    public TextEncoder(BertModel bert, int embedDim, Rng rng, DType dtype, Backend be) {
        this.bert = registerModule("bert", bert);
        proj = registerModule("proj", new Linear(bert.config().hiddenSize(), embedDim, true, rng, dtype, be));
        this.dtype = dtype;
        this.backend = be;
    }

    public BertModel bert() {
        return bert;
    }

    public Encoded forward(TokenBatch b) {
        return run(() -> compute(b));
    }

    private Encoded compute(TokenBatch b) {
        Tensor mask = b.maskTensor(dtype, backend);
        Tensor h = bert.forward(b.ids(), b.size(), b.seqLen(), mask, null).lastHiddenState();
        Tensor m = mask.unsqueeze(-1);
        Tensor pooled = h.mul(m).sum(1, false).div(m.sum(1, false));
        return new Encoded(Nn.l2Normalize(proj.forward(pooled), -1, 1e-12), h, b);
    }
}

package cl2cm.engine.nn.bert;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Dropout;
import cl2cm.engine.nn.Embedding;
import cl2cm.engine.nn.LayerNorm;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.ModuleList;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

/**
 * BERT as Hugging Face's BertModel: embeddings (word + position + token type, LayerNorm, dropout), a stack of
 * post-LN encoder layers, and a tanh pooler over the first token. Parameter names match its state dict
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight},
 * {@code pooler.dense.weight}, ...), so its weights load by name.
 */
public final class BertModel extends Module {
    /** Token states [B, T, H] and the pooled first-token state [B, H]. */
    public record Output(Tensor lastHiddenState, Tensor pooled) {
    }

    private final BertConfig config;
    private final Embedding words;
    private final Embedding positions;
    private final Embedding tokenTypes;
    private final LayerNorm embNorm;
    private final Dropout embDropout;
    private final ModuleList<BertLayer> layers;
    private final Linear pooler;

    public BertModel(BertConfig c, Rng rng, DType dtype, Backend be) {
        this.config = c;
        BertLayer.Container emb = registerModule("embeddings", new BertLayer.Container());
        words = emb.add("word_embeddings",
                new Embedding(c.vocabSize(), c.hiddenSize(), c.padTokenId(), BertInit.STD, rng, dtype, be));
        positions = emb.add("position_embeddings",
                new Embedding(c.maxPositionEmbeddings(), c.hiddenSize(), BertInit.STD, rng, dtype, be));
        tokenTypes = emb.add("token_type_embeddings",
                new Embedding(c.typeVocabSize(), c.hiddenSize(), BertInit.STD, rng, dtype, be));
        embNorm = emb.add("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps(), dtype, be));
        embDropout = emb.add("dropout", new Dropout(c.hiddenDropoutProb(), rng));
        BertLayer.Container encoder = registerModule("encoder", new BertLayer.Container());
        layers = encoder.add("layer", new ModuleList<>());
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            layers.add(new BertLayer(c, rng, dtype, be));
        }
        pooler = registerModule("pooler", new BertLayer.Container())
                .add("dense", BertInit.linear(c.hiddenSize(), c.hiddenSize(), rng, dtype, be));
    }

    public BertConfig config() {
        return config;
    }

    /**
     * @param ids           token ids, row-major [batch, seqLen]
     * @param attentionMask [B, T] of 1 for tokens and 0 for padding (float), or null for no padding
     * @param tokenTypeIds  segment ids [B*T], or null for all zeros
     */
    public Output forward(int[] ids, int batch, int seqLen, Tensor attentionMask, int[] tokenTypeIds) {
        return run(() -> compute(ids, batch, seqLen, attentionMask, tokenTypeIds));
    }

    private Output compute(int[] ids, int batch, int seqLen, Tensor attentionMask, int[] tokenTypeIds) {
        if (ids.length != batch * seqLen) {
            throw new IllegalArgumentException("BertModel: " + ids.length + " ids for batch " + batch + " x length "
                    + seqLen);
        }
        if (seqLen > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("BertModel: sequence length " + seqLen + " exceeds the "
                    + config.maxPositionEmbeddings() + " position embeddings");
        }
        if (attentionMask != null && !java.util.Arrays.equals(attentionMask.shape(), new int[]{batch, seqLen})) {
            throw new IllegalArgumentException("BertModel: attention mask of shape " + Shape.str(attentionMask.shape())
                    + " for ids [" + batch + ", " + seqLen + "]");
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("BertModel: token id " + ids[i] + " at position " + i
                        + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        return encode(ids, batch, seqLen, attentionMask, tokenTypeIds);
    }

    private Output encode(int[] ids, int batch, int seqLen, Tensor attentionMask, int[] tokenTypeIds) {
        Tensor x = words.forward(ids, batch, seqLen)
                .add(positions.weight().narrow(0, 0, seqLen));
        x = tokenTypeIds == null ? x.add(tokenTypes.weight().narrow(0, 0, 1))
                : x.add(tokenTypes.forward(tokenTypeIds, batch, seqLen));
        Tensor h = embDropout.forward(embNorm.forward(x));
        Tensor bias = attentionMask == null ? null : MultiHeadAttention.maskBias(attentionMask.to(h.dtype()));
        for (BertLayer layer : layers) {
            h = layerForward(layer, h, bias);
        }
        Tensor first = h.narrow(1, 0, 1).reshape(batch, config.hiddenSize());
        return new Output(h, pooler.forward(first).tanh());
    }

    /**
     * Without gradients a layer's input is freed as soon as the layer has run (when this pass allocated it), so
     * inference (a frozen teacher, evaluation) holds one layer's activations at a time rather than every layer's
     * output until the model returns (each layer frees its own temporaries when it returns).
     */
    private static Tensor layerForward(BertLayer layer, Tensor h, Tensor bias) {
        Tensor out = layer.forward(h, bias);
        if (!cl2cm.engine.autograd.GradMode.isEnabled()) {
            TensorScope.releaseNow(h);
        }
        return out;
    }

    /** Freezes the embeddings and all but the top {@code n} encoder layers (and keeps the pooler trainable). */
    public void trainOnlyTopLayers(int n) {
        if (n < 0 || n > layers.size()) {
            throw new IllegalArgumentException("top " + n + " layers of " + layers.size());
        }
        setFrozen(true);
        for (int i = layers.size() - n; i < layers.size(); i++) {
            layers.get(i).setFrozen(false);
        }
        children().get("pooler").setFrozen(false);
    }
}

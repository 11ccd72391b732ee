package cl2cm.engine.nn.bert;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.ops.Attention;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

/**
 * Scaled dot-product attention with several heads (Hugging Face's BertSelfAttention: query, key, value). Queries come
 * from one sequence and keys/values from the same one (self-attention) or another (cross-attention); padded keys
 * are masked out.
 */
public final class MultiHeadAttention extends Module {
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final double attentionDropout;
    private final Rng rng;
    private final int heads;

    public MultiHeadAttention(int hidden, int heads, double attentionDropout, Rng rng, DType dtype, Backend be) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of " + heads + " heads");
        }
        this.query = registerModule("query", BertInit.linear(hidden, hidden, rng, dtype, be));
        this.key = registerModule("key", BertInit.linear(hidden, hidden, rng, dtype, be));
        this.value = registerModule("value", BertInit.linear(hidden, hidden, rng, dtype, be));
        if (attentionDropout < 0 || attentionDropout >= 1) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + attentionDropout);
        }
        this.attentionDropout = attentionDropout;
        this.rng = rng;
        this.heads = heads;
    }

    /**
     * @param q          [B, Tq, H] query states
     * @param kv         [B, Tk, H] key/value states (q itself for self-attention)
     * @param maskBias   additive mask [B, 1, 1, Tk] (0 for real keys, a large negative number for padding), or null
     * @return           [B, Tq, H] context
     */
    public Tensor forward(Tensor q, Tensor kv, Tensor maskBias) {
        return run(() -> compute(q, kv, maskBias));
    }

    private Tensor compute(Tensor q, Tensor kv, Tensor maskBias) {
        return Attention.multiHead(query.forward(q), key.forward(kv), value.forward(kv), maskBias, heads,
                attentionDropout, isTraining(), rng);
    }

    /** The additive mask for keys: [B, T] of 1 (token) / 0 (padding) becomes [B, 1, 1, T] of 0 / -1e9. */
    public static Tensor maskBias(Tensor attentionMask) {
        int b = attentionMask.size(0);
        int t = attentionMask.size(1);
        return attentionMask.sub(1.0).mul(1e9).reshape(b, 1, 1, t);
    }
}

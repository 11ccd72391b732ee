package cl2cm.engine.nn.vision;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertLayer;
import cl2cm.engine.nn.bert.MultiHeadAttention;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * A video encoder over precomputed frame features: project frames to the model width, one transformer encoder
 * layer across frames (padded frames masked), then masked mean pooling.
 */
public final class FrameTransformer extends Module {
    private final Linear input;
    private final BertLayer layer;

    public FrameTransformer(int featureSize, int hidden, int heads, double dropout, Rng rng, DType dtype, Backend be) {
        input = registerModule("input", new Linear(featureSize, hidden, true, rng, dtype, be));
        BertConfig c = BertConfig.small(1, hidden, 1, heads, 4 * hidden, 1, dropout);
        layer = registerModule("layer", new BertLayer(c, rng, dtype, be));
    }

    /** frames [B, F, featureSize], frameMask [B, F] (1 = real frame) -> [B, hidden]. */
    public Tensor forward(Tensor frames, Tensor frameMask) {
        return run(() -> compute(frames, frameMask));
    }

    private Tensor compute(Tensor frames, Tensor frameMask) {
        Tensor h = layer.forward(input.forward(frames), MultiHeadAttention.maskBias(frameMask));
        Tensor m = frameMask.unsqueeze(-1);
        return h.mul(m).sum(1, false).div(m.sum(1, false));
    }
}

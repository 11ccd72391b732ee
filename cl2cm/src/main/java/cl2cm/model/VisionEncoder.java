package cl2cm.model;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.vision.ConvNet;
import cl2cm.engine.nn.vision.FeatureMlp;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * Vision side of the cross-modal network: a ConvNet over pixels (then a linear projection) or an MLP over
 * precomputed features, L2-normalised into the shared space.
 */
public final class VisionEncoder extends Module {
    private final ConvNet cnn;
    private final Linear proj;
    private final FeatureMlp mlp;

    private VisionEncoder(ConvNet cnn, Linear proj, FeatureMlp mlp) {
        this.cnn = cnn == null ? null : registerModule("cnn", cnn);
        this.proj = proj == null ? null : registerModule("proj", proj);
        this.mlp = mlp == null ? null : registerModule("mlp", mlp);
    }

    public static VisionEncoder convNet(int[] channels, int embedDim, Rng rng, DType dtype, Backend be) {
        ConvNet cnn = new ConvNet(3, channels, rng, dtype, be);
        return new VisionEncoder(cnn, new Linear(cnn.featureSize(), embedDim, true, rng, dtype, be), null);
    }

    /** Precomputed features: Linear(in, hidden), ReLU, Dropout, Linear(hidden, embed). */
    public static VisionEncoder features(int in, int hidden, int embedDim, double dropout, Rng rng, DType dtype,
                                        Backend be) {
        return new VisionEncoder(null, null, new FeatureMlp(in, hidden, embedDim, dropout, rng, dtype, be));
    }

    /** Images [B, 3, H, W] (or features [B, F]) to unit embeddings [B, E]. */
    public Tensor forward(Tensor x) {
        Tensor e = cnn != null ? proj.forward(cnn.forward(x)) : mlp.forward(x);
        return Nn.l2Normalize(e, -1, 1e-12);
    }
}

package cl2cm.model;

import cl2cm.data.VisualBatch;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.vision.ConvNet;
import cl2cm.engine.nn.vision.FeatureMlp;
import cl2cm.engine.nn.vision.FrameTransformer;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * Vision side of the cross-modal network, L2-normalised into the shared space: a ConvNet over pixels or a frame
 * transformer over video frame features, each followed by a linear projection, or an MLP over precomputed features.
 */
public final class VisionEncoder extends Module {
    private final ConvNet cnn;
    private final FrameTransformer video;
    private final Linear proj;
    private final FeatureMlp mlp;

    private VisionEncoder(ConvNet cnn, FrameTransformer video, Linear proj, FeatureMlp mlp) {
        this.cnn = cnn == null ? null : registerModule("cnn", cnn);
        this.video = video == null ? null : registerModule("video", video);
        this.proj = proj == null ? null : registerModule("proj", proj);
        this.mlp = mlp == null ? null : registerModule("mlp", mlp);
    }

    public static VisionEncoder convNet(int[] channels, int embedDim, Rng rng, DType dtype, Backend be) {
        ConvNet cnn = new ConvNet(3, channels, rng, dtype, be);
        return new VisionEncoder(cnn, null, new Linear(cnn.featureSize(), embedDim, true, rng, dtype, be), null);
    }

    /** Precomputed features: Linear(in, hidden), ReLU, Dropout, Linear(hidden, embed). */
    public static VisionEncoder features(int in, int hidden, int embedDim, double dropout, Rng rng, DType dtype,
                                        Backend be) {
        return new VisionEncoder(null, null, null, new FeatureMlp(in, hidden, embedDim, dropout, rng, dtype, be));
    }

    /**
     * Video frame features: Linear(in, hidden), one transformer encoder layer across the frames (padding masked),
     * masked mean over frames, Linear(hidden, embed).
     */
    public static VisionEncoder frames(int in, int hidden, int heads, int embedDim, double dropout, Rng rng,
                                      DType dtype, Backend be) {
        return new VisionEncoder(null, new FrameTransformer(in, hidden, heads, dropout, rng, dtype, be),
                new Linear(hidden, embedDim, true, rng, dtype, be), null);
    }

    /** Images [B, 3, H, W], features [B, D] or frames [B, F, D] with their mask, to unit embeddings [B, E]. */
    public Tensor forward(VisualBatch x) {
        return run(() -> compute(x));
    }

    private Tensor compute(VisualBatch x) {
        Tensor e;
        if (cnn != null) {
            e = proj.forward(cnn.forward(x.input()));
        } else if (video != null) {
            if (x.mask() == null) {
                throw new IllegalArgumentException("the frame encoder needs frame features [B, F, D] with a frame "
                        + "mask; got " + cl2cm.engine.tensor.Shape.str(x.input().shape()) + " without one");
            }
            e = proj.forward(video.forward(x.input(), x.mask()));
        } else {
            e = mlp.forward(x.input());
        }
        return Nn.l2Normalize(e, -1, 1e-12);
    }
}

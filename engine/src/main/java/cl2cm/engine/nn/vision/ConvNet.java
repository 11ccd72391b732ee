package cl2cm.engine.nn.vision;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.BatchNorm;
import cl2cm.engine.nn.Conv2d;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.ModuleList;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

/**
 * A plain convolutional encoder: stages of [3x3 conv stride 2, BN, ReLU, 3x3 conv stride 1, BN, ReLU] (convs without
 * bias), then global average pooling. Names: {@code stages.<i>.{conv1,bn1,conv2,bn2}}.
 */
public final class ConvNet extends Module {
    private final ModuleList<Stage> stages;
    private final int features;

    public ConvNet(int inChannels, int[] channels, Rng rng, DType dtype, Backend be) {
        stages = registerModule("stages", new ModuleList<>());
        int in = inChannels;
        for (int c : channels) {
            stages.add(new Stage(in, c, rng, dtype, be));
            in = c;
        }
        features = in;
    }

    public int featureSize() {
        return features;
    }

    /** x [N, C, H, W] -> [N, featureSize]. */
    public Tensor forward(Tensor x) {
        return run(() -> compute(x));
    }

    private Tensor compute(Tensor x) {
        Tensor h = x;
        for (Stage s : stages) {
            h = s.forward(h);
        }
        return Nn.globalAvgPool(h);
    }

    static final class Stage extends Module {
        private final Conv2d conv1;
        private final BatchNorm bn1;
        private final Conv2d conv2;
        private final BatchNorm bn2;

        Stage(int in, int out, Rng rng, DType dtype, Backend be) {
            conv1 = registerModule("conv1", new Conv2d(in, out, 3, 2, 1, false, rng, dtype, be));
            bn1 = registerModule("bn1", new BatchNorm(out, dtype, be));
            conv2 = registerModule("conv2", new Conv2d(out, out, 3, 1, 1, false, rng, dtype, be));
            bn2 = registerModule("bn2", new BatchNorm(out, dtype, be));
        }

        Tensor forward(Tensor x) {
            return run(() -> compute(x));
        }

        private Tensor compute(Tensor x) {
            Tensor h = bn1.forward(conv1.forward(x)).relu();
            return bn2.forward(conv2.forward(h)).relu();
        }
    }
}

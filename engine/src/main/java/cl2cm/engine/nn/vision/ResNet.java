package cl2cm.engine.nn.vision;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.BatchNorm;
import cl2cm.engine.nn.Conv2d;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.ModuleList;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * A ResNet of basic blocks with torchvision's names ({@code conv1, bn1, layer1.0.conv1, ..., fc}). The stem is
 * configurable: torchvision's 7x7/2 conv + 3x3/2 max-pool for large images, or a 3x3/1 conv without pooling for
 * small ones (e.g. 64x64). {@code resnet18()} is torchvision's ResNet-18 layout.
 */
public final class ResNet extends Module {
    /** channels[i] and blocks[i] per stage; stages after the first halve the resolution. */
    public record Config(int inChannels, int[] channels, int[] blocks, boolean largeStem, int numClasses) {
    }

    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final boolean largeStem;
    private final ModuleList<BasicBlock>[] stages;
    private final Linear fc;
    private final int features;

    public static Config resnet18(int numClasses) {
        return new Config(3, new int[]{64, 128, 256, 512}, new int[]{2, 2, 2, 2}, true, numClasses);
    }

    @SuppressWarnings("unchecked")
    public ResNet(Config c, Rng rng, DType dtype, Backend be) {
        largeStem = c.largeStem();
        int width = c.channels()[0];
        conv1 = registerModule("conv1", largeStem ? new Conv2d(c.inChannels(), width, 7, 2, 3, false, rng, dtype, be)
                : new Conv2d(c.inChannels(), width, 3, 1, 1, false, rng, dtype, be));
        bn1 = registerModule("bn1", new BatchNorm(width, dtype, be));
        stages = new ModuleList[c.channels().length];
        int in = width;
        for (int s = 0; s < stages.length; s++) {
            stages[s] = registerModule("layer" + (s + 1), new ModuleList<>());
            for (int b = 0; b < c.blocks()[s]; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                stages[s].add(new BasicBlock(in, c.channels()[s], stride, rng, dtype, be));
                in = c.channels()[s];
            }
        }
        features = in;
        fc = c.numClasses() > 0 ? registerModule("fc", new Linear(in, c.numClasses(), true, rng, dtype, be)) : null;
    }

    /** Width of the pooled features (before fc). */
    public int featureSize() {
        return features;
    }

    /** x [N, C, H, W] -> pooled features [N, featureSize] (or logits [N, classes] when there is an fc layer). */
    public Tensor forward(Tensor x) {
        return run(() -> compute(x));
    }

    private Tensor compute(Tensor x) {
        Tensor h = bn1.forward(conv1.forward(x)).relu();
        if (largeStem) {
            h = Nn.maxPool2d(h, 3, 2, 1);
        }
        for (ModuleList<BasicBlock> stage : stages) {
            for (BasicBlock b : stage) {
                h = b.forward(h);
            }
        }
        Tensor pooled = Nn.globalAvgPool(h);
        return fc == null ? pooled : fc.forward(pooled);
    }
}

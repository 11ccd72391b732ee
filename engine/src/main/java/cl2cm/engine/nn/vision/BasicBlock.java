package cl2cm.engine.nn.vision;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.BatchNorm;
import cl2cm.engine.nn.Conv2d;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.ModuleList;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * ResNet basic block with torchvision's names: conv1 (3x3, stride), bn1, relu, conv2 (3x3), bn2, plus a
 * projection shortcut {@code downsample.0} (1x1 conv) and {@code downsample.1} (BN) when the shape changes.
 */
public final class BasicBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final Conv2d conv2;
    private final BatchNorm bn2;
    private final Conv2d downConv;
    private final BatchNorm downBn;

    public BasicBlock(int in, int out, int stride, Rng rng, DType dtype, Backend be) {
        conv1 = registerModule("conv1", new Conv2d(in, out, 3, stride, 1, false, rng, dtype, be));
        bn1 = registerModule("bn1", new BatchNorm(out, dtype, be));
        conv2 = registerModule("conv2", new Conv2d(out, out, 3, 1, 1, false, rng, dtype, be));
        bn2 = registerModule("bn2", new BatchNorm(out, dtype, be));
        if (stride != 1 || in != out) {
            ModuleList<Module> down = registerModule("downsample", new ModuleList<>());
            downConv = (Conv2d) down.add(new Conv2d(in, out, 1, stride, 0, false, rng, dtype, be));
            downBn = (BatchNorm) down.add(new BatchNorm(out, dtype, be));
        } else {
            downConv = null;
            downBn = null;
        }
    }

    public Tensor forward(Tensor x) {
        return run(() -> compute(x));
    }

    private Tensor compute(Tensor x) {
        Tensor y = bn2.forward(conv2.forward(bn1.forward(conv1.forward(x)).relu()));
        Tensor shortcut = downConv == null ? x : downBn.forward(downConv.forward(x));
        return y.add(shortcut).relu();
    }
}

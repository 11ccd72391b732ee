package cl2cm.engine;

import cl2cm.engine.autograd.HookHandle;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.ModuleList;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradient hooks on tensors and forward hooks on modules, with modules named by their dotted paths. */
class HooksTest {
    /** Two linear layers in a list: parameters layer.0.weight ... layer.1.bias. */
    static final class Net extends Module {
        final ModuleList<Linear> layers = registerModule("layer", new ModuleList<>());

        Net() {
            Rng rng = new Rng(7);
            layers.add(new Linear(2, 2, true, rng, DType.F64, Devices.cpu()));
            layers.add(new Linear(2, 2, true, rng, DType.F64, Devices.cpu()));
        }

        Tensor forward(Tensor x) {
            return run(() -> layers.get(1).forward(layers.get(0).forward(x).tanh()));
        }
    }

    @Test
    void aGradientHookSeesTheWholeGradientOfAnIntermediateOnce() {
        Tensor x = Tensor.of(new double[]{1, 2, 3}, DType.F64, 3).requiresGrad(true);
        Tensor y = x.mul(2.0);
        List<double[]> seen = new ArrayList<>();
        y.registerGradHook(g -> {
            seen.add(g.toDoubleArray());
            return g;
        });
        y.mul(y).sum().add(y.sum()).backward();   // d/dy (y^2 + y) = 2y + 1, from two readers of y
        assertEquals(1, seen.size(), "once, after both readers passed their share back");
        assertArrayEquals(new double[]{5, 9, 13}, seen.get(0), 1e-12);
        assertArrayEquals(new double[]{10, 18, 26}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void aGradientHookCanReplaceTheGradientAndBeRemoved() {
        Tensor x = Tensor.of(new double[]{1, -1}, DType.F64, 2).requiresGrad(true);
        Tensor y = x.exp();
        HookHandle h = y.registerGradHook(g -> g.mul(0.0));
        y.sum().backward();
        assertArrayEquals(new double[]{0, 0}, x.grad().toDoubleArray(), "the replacement flows on");
        h.close();
        h.close();
        x.zeroGrad();
        Tensor y2 = x.exp();
        y2.sum().backward();
        assertArrayEquals(new double[]{Math.E, 1 / Math.E}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void aLeafHookSeesEachBackwardsGradientBeforeItIsAccumulated() {
        Tensor w = Tensor.of(new double[]{1, 2}, DType.F64, 2).requiresGrad(true);
        List<double[]> seen = new ArrayList<>();
        try (HookHandle h = w.registerGradHook(g -> {
            seen.add(g.toDoubleArray());
            return g;
        })) {
            w.mul(3.0).sum().backward();
            w.mul(w).sum().backward();
        }
        assertArrayEquals(new double[]{3, 3}, seen.get(0));
        assertArrayEquals(new double[]{2, 4}, seen.get(1), "this backward's share alone");
        assertArrayEquals(new double[]{5, 7}, w.grad().toDoubleArray(), "both accumulated");
    }

    @Test
    void badHooksAreRefusedWithAClearMessage() {
        Tensor x = Tensor.of(new double[]{1, 2}, DType.F64, 2).requiresGrad(true);
        Tensor y = x.mul(2.0);
        y.registerGradHook(g -> g.sum());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("returned shape []") && e.getMessage().contains("[2]"), e.getMessage());
        Tensor c = Tensor.of(new double[]{1}, DType.F64, 1);
        e = assertThrows(IllegalStateException.class, () -> c.registerGradHook(g -> g));
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
    }

    @Test
    void forwardHooksSeeOutputsAndModulesAreNamedByPath() {
        Net net = new Net();
        assertEquals("layer.1", net.layers.get(1).path());
        assertEquals("layer.1 (Linear in Net)", net.layers.get(1).describe());
        assertEquals("Net", net.path());
        List<String> seen = new ArrayList<>();
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, DType.F64, 3, 2);
        try (HookHandle one = net.layers.get(1).addForwardHook((m, out) ->
                seen.add("layer 1 gave " + Shape.str(((Tensor) out).shape())));
             HookHandle every = Module.addForwardHookToEveryModule((m, out) -> seen.add(m.path()))) {
            net.forward(x);
        }
        net.forward(x);   // after close: not seen
        assertEquals(List.of("layer.0", "layer 1 gave [3, 2]", "layer.1", "Net"), seen);
    }
}

package cl2cm.engine.autograd;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a layer allocates and does not return ({@link TensorScope.Frame}) is freed at once when no gradient rule saved
 * it, else by backward after the last rule that saved it; gradients are the same as without frames.
 */
class SavedTensorsTest {
    private static Tensor param() {
        return TensorScope.persistent(() -> Tensor.of(new double[]{0.5, -1.5, 2.0}, DType.F64, 3).requiresGrad(true));
    }

    /** Runs {@code layer} inside a frame, as Module.run does. */
    private static Tensor inLayer(Function<Tensor[], Tensor> layer, Tensor[] made) {
        TensorScope.Frame frame = TensorScope.Frame.enter();
        Tensor out = layer.apply(made);
        frame.exit(out);
        return out;
    }

    /** y = tanh(w) (saves y), e = exp(y) (saves e), s = e + y (saves nothing); the layer returns s * 2. */
    private static Tensor layer(Tensor w, Tensor[] made) {
        made[0] = w.tanh();
        made[1] = made[0].exp();
        made[2] = made[1].add(made[0]);
        return made[2].mul(2.0);
    }

    @Test
    void unsavedIntermediatesGoWhenTheLayerReturnsSavedOnesAfterTheirLastRule() {
        Tensor w = param();
        double[] expected;
        try (TensorScope step = TensorScope.open("reference")) {
            layer(w, new Tensor[3]).sum().backward();
            expected = w.grad().toDoubleArray();
        }
        w.zeroGrad();
        try (TensorScope step = TensorScope.open("step")) {
            Tensor[] made = new Tensor[3];
            Tensor out = inLayer(t -> layer(w, t), made);
            assertTrue(made[2].isReleased(), "the sum is saved by no rule (mul by a constant reads nothing)");
            assertFalse(made[0].isReleased(), "tanh's rule saved its output");
            assertFalse(made[1].isReleased(), "exp's rule saved its output");
            out.sum().backward();
            assertTrue(made[0].isReleased() && made[1].isReleased(), "backward freed both after their rules");
            assertFalse(out.isReleased(), "what the layer returned is the caller's");
            IllegalStateException e = assertThrows(IllegalStateException.class, made[0]::toDoubleArray);
            assertTrue(e.getMessage().contains("last gradient rule that saved it"), e.getMessage());
        }
        assertArrayEquals(expected, w.grad().toDoubleArray(), 0.0);
    }

    @Test
    void withoutGradientsALayerKeepsOnlyWhatItReturns() {
        Tensor w = param();
        try (TensorScope step = TensorScope.open("eval"); var g = GradMode.disabled()) {
            Tensor[] made = new Tensor[3];
            Tensor out = inLayer(t -> layer(w, t), made);
            assertTrue(made[0].isReleased() && made[1].isReleased() && made[2].isReleased());
            assertEquals(3, out.toDoubleArray().length);
        }
    }

    @Test
    void nestedLayersHandTheirOutputToTheEnclosingLayer() {
        Tensor w = param();
        try (TensorScope step = TensorScope.open("step"); var g = GradMode.disabled()) {
            Tensor[] inner = new Tensor[1];
            Tensor out = inLayer(t -> {
                inner[0] = inLayer(u -> w.exp(), new Tensor[0]);
                assertFalse(inner[0].isReleased(), "the inner layer's output is its caller's");
                return inner[0].mul(3.0);
            }, new Tensor[0]);
            assertTrue(inner[0].isReleased(), "the outer layer did not return it");
            assertFalse(out.isReleased());
        }
    }

    @Test
    void aRuleBackwardNeverRunsKeepsItsSavedTensorsUntilTheScopeCloses() {
        Tensor w = param();
        Tensor kept;
        try (TensorScope step = TensorScope.open("step")) {
            Tensor[] made = new Tensor[1];
            Tensor out = inLayer(t -> {
                made[0] = w.exp();                  // saved by exp's rule and by log's, which is off the loss's path
                Tensor offPath = made[0].log();
                return cl2cm.engine.ops.Views.concat(java.util.List.of(made[0].mul(1.0), offPath.detach()), 0);
            }, new Tensor[1]);
            out.narrow(0, 0, 3).sum().backward();
            kept = made[0];
            assertFalse(kept.isReleased(), "log's rule, not on the loss's path, still holds it");
        }
        assertTrue(kept.isReleased(), "the scope frees it");
    }
}

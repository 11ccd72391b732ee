package cl2cm.engine.optim;

import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {
    private static Parameter param(float... v) {
        return Parameter.of(Tensor.of(v, v.length));
    }

    private static void setGrad(Parameter p, float... g) {
        p.setGrad(Tensor.of(g, g.length));
    }

    @Test
    void sgdMomentumMatchesTorchRule() {
        Parameter p = param(1f, -1f);
        Sgd opt = new Sgd(Map.of("p", p), 0.1, 0.9, 0.0, false);
        setGrad(p, 1f, 2f);
        opt.step(); // buf = g; p -= 0.1 g
        assertArrayEquals(new float[]{0.9f, -1.2f}, p.toFloatArray(), 1e-6f);
        setGrad(p, 1f, 2f);
        opt.step(); // buf = 0.9 g + g = 1.9 g
        assertArrayEquals(new float[]{0.9f - 0.19f, -1.2f - 0.38f}, p.toFloatArray(), 1e-6f);
    }

    @Test
    void adamFirstStepMovesByLr() {
        // With bias correction the first Adam step is lr * g / (|g| + eps) = lr * sign(g).
        Parameter p = param(0.5f, 0.5f);
        Adam opt = Adam.adam(Map.of("p", p), 0.01, 0.9, 0.999, 1e-8, 0.0);
        setGrad(p, 3f, -0.2f);
        opt.step();
        assertArrayEquals(new float[]{0.49f, 0.51f}, p.toFloatArray(), 1e-6f);
    }

    @Test
    void adamWDecaysWeightsIndependentlyOfTheGradient() {
        Parameter p = param(2f);
        Adam opt = Adam.adamW(Map.of("p", p), 0.1, 0.9, 0.999, 1e-8, 0.5);
        setGrad(p, 0f);
        opt.step(); // p *= 1 - lr*wd; the zero gradient moves nothing
        assertEquals(2f * (1 - 0.05f), p.toFloatArray()[0], 1e-6f);
    }

    @Test
    void scaledLearningRateMovesOnlyItsParameterLessAndFollowsTheSchedule() {
        // Same gradients, same optimizer: p moves by lr * sign(g) on Adam's first step, q by 0.1 of that; the
        // scaled rate follows later setLr calls (a schedule), and AdamW's decay uses it too.
        Parameter p = param(0.5f);
        Parameter q = param(0.5f);
        Adam opt = Adam.adamW(new java.util.LinkedHashMap<>(Map.of("p", p, "q", q)), 0.01, 0.9, 0.999, 1e-8, 0.0);
        opt.scaleLr("q", 0.1);
        setGrad(p, 3f);
        setGrad(q, 3f);
        opt.step();
        assertEquals(0.49f, p.toFloatArray()[0], 1e-6f);
        assertEquals(0.499f, q.toFloatArray()[0], 1e-6f);

        Parameter r = param(2f);
        Adam decay = Adam.adamW(Map.of("r", r), 0.1, 0.9, 0.999, 1e-8, 0.5);
        decay.scaleLr("r", 0.5);
        decay.setLr(0.2);
        setGrad(r, 0f);
        decay.step(); // r *= 1 - (0.2 * 0.5) * 0.5
        assertEquals(2f * (1 - 0.05f), r.toFloatArray()[0], 1e-6f);

        Parameter s = param(1f);
        Sgd sgd = new Sgd(Map.of("s", s), 0.1, 0.0, 0.0, false);
        sgd.scaleLr("s", 0.5);
        setGrad(s, 1f);
        sgd.step();
        assertEquals(0.95f, s.toFloatArray()[0], 1e-6f);

        assertThrows(IllegalArgumentException.class, () -> opt.scaleLr("missing", 0.5));
        assertThrows(IllegalArgumentException.class, () -> opt.scaleLr("p", 0.0));
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        LrSchedule s = new LrSchedule(1.0, 10, 110, LrSchedule.Decay.COSINE, 0.0);
        assertEquals(0.1, s.lr(1), 1e-12);
        assertEquals(1.0, s.lr(10), 1e-12);
        assertEquals(0.5, s.lr(60), 1e-12);
        assertEquals(0.0, s.lr(110), 1e-12);
        LrSchedule lin = new LrSchedule(2.0, 0, 100, LrSchedule.Decay.LINEAR, 0.0);
        assertEquals(1.0, lin.lr(50), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1.0, 10, 5, LrSchedule.Decay.LINEAR, 0));
    }

    @Test
    void clipScalesToTheMaxNorm() {
        Parameter a = param(0f, 0f);
        Parameter b = param(0f);
        setGrad(a, 3f, 0f);
        setGrad(b, 4f);
        double norm = GradClip.clipGlobalNorm(java.util.List.of(a, b), 1.0).item();
        assertEquals(5.0, norm, 1e-6);
        assertArrayEquals(new float[]{0.6f, 0f}, a.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(new float[]{0.8f}, b.grad().toFloatArray(), 1e-5f);
        // Below the limit nothing changes; a NaN norm is reported and scales nothing.
        assertEquals(1.0, GradClip.clipGlobalNorm(java.util.List.of(a, b), 2.0).item(), 1e-5);
        assertArrayEquals(new float[]{0.6f, 0f}, a.grad().toFloatArray(), 1e-5f);
        setGrad(b, Float.NaN);
        assertTrue(Double.isNaN(GradClip.clipGlobalNorm(java.util.List.of(a, b), 1.0).item()));
        assertArrayEquals(new float[]{0.6f, 0f}, a.grad().toFloatArray(), 1e-5f);
    }

    @Test
    void optimizerStateNamesFollowParameters() {
        Linear lin = new Linear(3, 2, true, new Rng(1));
        Adam opt = Adam.adamW(lin.namedParameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
        lin.forward(Tensor.ones(4, 3)).sum().backward();
        opt.step();
        assertEquals(java.util.Set.of("exp_avg.weight", "exp_avg_sq.weight", "exp_avg.bias", "exp_avg_sq.bias"),
                opt.stateDict().keySet());
        assertEquals("1", opt.metadata().get("step"));
    }
}

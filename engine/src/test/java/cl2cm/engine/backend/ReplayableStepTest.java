package cl2cm.engine.backend;

import cl2cm.engine.cuda.CudaBackend;
import cl2cm.engine.nn.Dropout;
import cl2cm.engine.nn.Embedding;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.optim.Adam;
import cl2cm.engine.optim.GradClip;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replayed training step (on CUDA: recorded once as a CUDA graph, then launched again) must train exactly like the
 * same step run eagerly, on new data every step: token ids and inputs refilled into the same host arrays, learning
 * rate and step count coming through the optimizer's prepareStep(). Runs on every available backend; the CPU runs
 * the body each time, so there it checks the calling convention.
 */
class ReplayableStepTest {
    private static final int B = 5;
    private static final int T = 3;
    private static final int VOCAB = 11;

    /** Embedding of ids + a linear layer over inputs, GELU, a linear head; optional dropout. */
    private static final class Net extends Module {
        final Embedding emb;
        final Linear in;
        final Linear head;
        final Dropout drop;

        Net(double p, Backend be) {
            Rng rng = new Rng(3);
            emb = registerModule("emb", new Embedding(VOCAB, 8, 0, 0.5, rng, DType.F32, be));
            in = registerModule("in", new Linear(6, 8, true, rng, DType.F32, be));
            head = registerModule("head", new Linear(8, 2, true, rng, DType.F32, be));
            drop = registerModule("drop", new Dropout(p, new Rng(4)));
        }

        Tensor loss(int[] ids, float[] x, Backend be) {
            Tensor e = emb.forward(ids, B, T).mean(1, false);                       // [B, 8]
            Tensor h = drop.forward(in.forward(Tensor.of(x, be, B, 6)).add(e).gelu());
            Tensor y = head.forward(h);                                             // [B, 2]
            return y.mul(y).mean();
        }
    }

    private static List<Backend> backends() {
        List<Backend> b = new ArrayList<>(List.of(Devices.cpu()));
        if (CudaBackend.unavailableReason() == null) {
            b.add(CudaBackend.instance());
        }
        return b;
    }

    private static void fill(Rng r, int[] ids, float[] x) {
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(VOCAB);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
    }

    private static Adam adam(Net n) {
        return Adam.adamW(n.namedParameters(), 0.05, 0.9, 0.999, 1e-8, 0.01);
    }

    @Test
    void replayedStepsTrainLikeEagerOnes() {
        for (Backend be : backends()) {
            Net eager = TensorScope.persistent(() -> new Net(0, be));
            Net replayed = TensorScope.persistent(() -> new Net(0, be));
            Adam eagerOpt = adam(eager);
            Adam replayedOpt = adam(replayed);
            int[] ids = new int[B * T];
            float[] x = new float[B * 6];
            try (ReplayableStep step = be.replayable("test step", () -> {
                replayed.zeroGrad();
                Tensor loss = replayed.loss(ids, x, be);
                loss.backward();
                GradClip.clipGlobalNorm(replayed.trainableParameters(), 0.5);
                replayedOpt.applyStep();
                return loss;
            })) {
                Rng data = new Rng(9);
                for (int s = 0; s < 6; s++) {
                    fill(data, ids, x);
                    double lr = 0.05 / (1 + s);   // a schedule: must reach the replays too
                    eagerOpt.setLr(lr);
                    replayedOpt.setLr(lr);
                    double want;
                    double got;
                    try (TensorScope scope = TensorScope.open("step")) {
                        eager.zeroGrad();
                        Tensor loss = eager.loss(ids, x, be);
                        loss.backward();
                        GradClip.clipGlobalNorm(eager.trainableParameters(), 0.5);
                        eagerOpt.step();
                        want = loss.item();
                        replayedOpt.prepareStep();
                        got = step.run().item();
                    }
                    assertEquals(want, got, 1e-5 * Math.max(1, Math.abs(want)), be.name() + ", step " + s);
                }
            }
            eager.namedParameters().forEach((name, p) -> {
                float[] want = p.toFloatArray();
                float[] got = replayed.namedParameters().get(name).toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5, be.name() + ": parameter " + name + "[" + i + "]");
                }
            });
            assertEquals(6, replayedOpt.stepCount());
        }
    }

    /** The losses of {@code steps} runs of a dropout step on fixed data and weights (lr 0): only the masks vary. */
    private static List<Double> dropoutLosses(Backend be, int steps) {
        Net net = TensorScope.persistent(() -> new Net(0.5, be));
        Adam opt = adam(net);
        opt.setLr(0);
        int[] ids = new int[B * T];
        float[] x = new float[B * 6];
        fill(new Rng(1), ids, x);
        List<Double> losses = new ArrayList<>();
        try (ReplayableStep step = be.replayable("dropout step", () -> {
            net.zeroGrad();
            Tensor loss = net.loss(ids, x, be);
            loss.backward();
            opt.applyStep();
            return loss;
        })) {
            for (int s = 0; s < steps; s++) {
                try (TensorScope scope = TensorScope.open("step")) {
                    opt.prepareStep();
                    losses.add(step.run().item());
                }
            }
        }
        return losses;
    }

    @Test
    void dropoutMasksChangeFromReplayToReplay() {
        for (Backend be : backends()) {
            List<Double> losses = dropoutLosses(be, 5);
            // Same data and weights: only the masks differ, and they must, also among the replays (runs 3-5).
            assertNotEquals(losses.get(2), losses.get(3), be.name() + ": " + losses);
            assertNotEquals(losses.get(3), losses.get(4), be.name() + ": " + losses);
        }
    }

    /**
     * A run's dropout masks depend on its own seed and steps alone, not on what was replayed before it in the same
     * process: `demo --seeds 1,2` trains seed 2 as `demo --seeds 2` does.
     */
    @Test
    void replayedMasksDoNotDependOnEarlierRuns() {
        for (Backend be : backends()) {
            List<Double> first = dropoutLosses(be, 5);
            dropoutLosses(be, 3);   // another run in between
            assertEquals(first, dropoutLosses(be, 5), be.name());
        }
    }

    @Test
    void readingValuesWhileRecordingIsRefused() {
        Assumptions.assumeTrue(CudaBackend.unavailableReason() == null, "no CUDA device: " + CudaBackend.unavailableReason());
        Backend be = CudaBackend.instance();
        Tensor w = TensorScope.persistent(() -> Tensor.full(1.0, DType.F32, be, 4));
        try (ReplayableStep step = be.replayable("reads a value", () -> {
            Tensor y = w.mul(2.0);
            y.sum().item();
            return y;
        })) {
            step.run();   // eager: fine
            IllegalStateException e = assertThrows(IllegalStateException.class, step::run);
            assertTrue(e.getMessage().contains("recorded as a CUDA graph"), e.getMessage());
        }
        // The backend works normally afterwards.
        assertEquals(8.0, w.mul(2.0).sum().item(), 1e-6);
    }
}

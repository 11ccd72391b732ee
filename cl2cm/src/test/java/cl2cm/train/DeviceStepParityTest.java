package cl2cm.train;

import cl2cm.data.VisualBatch;
import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.cuda.CudaBackend;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.optim.Adam;
import cl2cm.engine.optim.GradClip;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import cl2cm.model.TextEncoder;
import cl2cm.model.TokenBatch;
import cl2cm.model.VisionEncoder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A full CL2CM training step on CUDA (stage 1: InfoNCE + OT; stage 2: two InfoNCE terms + distillation from the
 * frozen CLN; backward, clipping, AdamW) gives the same loss and parameter updates as on the CPU. Skipped, with the
 * reason, where no GPU is present.
 */
class DeviceStepParityTest {
    private static final int B = 6;
    private static final int T = 9;

    /** What one run of the two steps produced on a backend. */
    private record Run(double loss1, double loss2, Map<String, Tensor> cln, Map<String, Tensor> cmn) {
    }

    @Test
    void cudaStepMatchesCpuStep() {
        String why = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(why == null, "CUDA step parity skipped: " + why);
        Run cpu = run(Devices.cpu());
        Run cuda = run(CudaBackend.instance());
        assertEquals(cpu.loss1(), cuda.loss1(), 1e-4 * (1 + Math.abs(cpu.loss1())), "stage-1 loss");
        assertEquals(cpu.loss2(), cuda.loss2(), 1e-4 * (1 + Math.abs(cpu.loss2())), "stage-2 loss");
        compare("cln", cpu.cln(), cuda.cln());
        compare("cmn", cpu.cmn(), cuda.cmn());
    }

    /**
     * Stage-2 steps replayed from a CUDA graph train exactly like eager ones on the same new batches (dropout off, so
     * the masks do not differ): catches any host array the models would derive from a batch and upload, which a
     * replay would not recompute.
     */
    @Test
    void replayedStage2StepsMatchEagerOnes() {
        String why = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(why == null, "replayed step parity skipped: " + why);
        Backend be = CudaBackend.instance();
        Cl2cmConfig.Loss l = Cl2cmConfig.defaults().loss();
        BertConfig text = BertConfig.small(50, 32, 2, 4, 64, T, 0.0);
        TextEncoder cln = TensorScope.persistent(() -> new TextEncoder(text, 16, new Rng(1), DType.F32, be));
        cln.eval();
        Group[] cmn = new Group[2];
        Adam[] opt = new Adam[2];
        for (int k = 0; k < 2; k++) {
            cmn[k] = TensorScope.persistent(() -> new Group(VisionEncoder.convNet(new int[]{4, 8}, 16, new Rng(2),
                    DType.F32, be), new TextEncoder(text, 16, new Rng(3), DType.F32, be)));
            opt[k] = Adam.adamW(cmn[k].namedParameters(), 1e-2, 0.9, 0.999, 1e-8, 0.01);
        }
        TokenBatch pairs = TokenBatch.empty(2 * B, T);
        float[] pixels = new float[B * 3 * 16 * 16];
        java.util.function.Function<Integer, Tensor> loss = k -> Objectives.total(Objectives.crossModal(
                (VisionEncoder) cmn[k].vision, (TextEncoder) cmn[k].text, cln,
                VisualBatch.of(Tensor.of(pixels, be, B, 3, 16, 16)), pairs, l.lambdaKd(), l));
        Rng data = new Rng(5);
        try (cl2cm.engine.backend.ReplayableStep replayed = be.replayable("stage 2", () -> {
            Tensor value = loss.apply(1);
            cmn[1].zeroGrad();
            value.backward();
            GradClip.clipGlobalNorm(cmn[1].trainableParameters(), 1.0);
            opt[1].applyStep();
            return value;
        })) {
            for (int s = 0; s < 5; s++) {
                refill(data, pairs, pixels);
                try (TensorScope scope = TensorScope.open("step")) {
                    Tensor eager = loss.apply(0);
                    cmn[0].zeroGrad();
                    eager.backward();
                    GradClip.clipGlobalNorm(cmn[0].trainableParameters(), 1.0);
                    opt[0].step();
                    opt[1].prepareStep();
                    double want = eager.item();
                    double got = replayed.run().item();
                    assertEquals(want, got, 1e-5 * (1 + Math.abs(want)), "stage-2 loss at step " + s);
                }
            }
        }
        compare("replayed cmn", cmn[0].stateDict(), cmn[1].stateDict());
    }

    /** A new batch written into the same arrays: captions of random lengths, padded to T, and random pixels. */
    private static void refill(Rng rng, TokenBatch into, float[] pixels) {
        into.fill(rows(rng), 0);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
    }

    private static void compare(String what, Map<String, Tensor> ref, Map<String, Tensor> got) {
        for (Map.Entry<String, Tensor> e : ref.entrySet()) {
            double[] r = e.getValue().toDoubleArray();
            double[] g = got.get(e.getKey()).toDoubleArray();
            for (int i = 0; i < r.length; i++) {
                if (!(Math.abs(r[i] - g[i]) <= 2e-4 * (1 + Math.abs(r[i])))) {
                    fail(String.format("%s %s[%d]: cuda %.8g, cpu %.8g", what, e.getKey(), i, g[i], r[i]));
                }
            }
        }
    }

    private static Run run(Backend be) {
        Cl2cmConfig.Loss l = Cl2cmConfig.defaults().loss();
        BertConfig text = BertConfig.small(50, 32, 2, 4, 64, T, 0.1);
        TextEncoder cln = TensorScope.persistent(() -> new TextEncoder(text, 16, new Rng(1), DType.F32, be));
        VisionEncoder vision = TensorScope.persistent(() -> VisionEncoder.convNet(new int[]{4, 8}, 16, new Rng(2),
                DType.F32, be));
        TextEncoder cmnText = TensorScope.persistent(() -> new TextEncoder(text, 16, new Rng(3), DType.F32, be));
        Group cmn = new Group(vision, cmnText);
        Rng data = new Rng(4);
        TokenBatch pairs = tokens(data);
        Tensor images = TensorScope.persistent(() -> data.normal(0, 1, DType.F32, be, B, 3, 16, 16));
        double loss1;
        double loss2;
        try (TensorScope s = TensorScope.open("stage 1")) {
            loss1 = step(cln, Objectives.total(Objectives.crossLingual(cln, pairs, l)));
        }
        cln.eval();
        try (TensorScope s = TensorScope.open("stage 2")) {
            loss2 = step(cmn, Objectives.total(Objectives.crossModal(vision, cmnText, cln, VisualBatch.of(images), pairs, l.lambdaKd(),
                    l)));
        }
        return new Run(loss1, loss2, cln.stateDict(), cmn.stateDict());
    }

    private static double step(Module m, Tensor loss) {
        Adam opt = TensorScope.persistent(() -> Adam.adamW(m.namedParameters(), 1e-2, 0.9, 0.999, 1e-8, 0.01));
        m.zeroGrad();
        loss.backward();
        GradClip.clipGlobalNorm(m.trainableParameters(), 1.0);
        opt.step();
        return loss.item();
    }

    private static TokenBatch tokens(Rng rng) {
        return TokenBatch.of(rows(rng), 0);
    }

    /** 2B captions of 4 to T tokens: [CLS] = 2, random ids, [SEP] = 3. */
    private static List<int[]> rows(Rng rng) {
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < 2 * B; i++) {
            int n = 4 + rng.nextInt(T - 3);
            int[] r = new int[n];
            r[0] = 2;
            r[n - 1] = 3;
            for (int j = 1; j < n - 1; j++) {
                r[j] = 5 + rng.nextInt(45);
            }
            rows.add(r);
        }
        return rows;
    }

    private static final class Group extends Module {
        final Module vision;
        final Module text;

        Group(Module a, Module b) {
            vision = registerModule("vision", a);
            text = registerModule("text", b);
        }
    }
}

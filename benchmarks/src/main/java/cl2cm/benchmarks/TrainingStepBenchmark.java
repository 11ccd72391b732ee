package cl2cm.benchmarks;

import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.optim.Adam;
import cl2cm.engine.optim.GradClip;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One full training step of a small transformer encoder (2 layers, hidden 128, 4 heads, FFN 256, batch 32 x 24
 * tokens with padding, the demo's text encoder): forward, a mean-pooled L2 loss, backward, clipping and AdamW. Run
 * with {@code -prof gc} to see the bytes allocated per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainingStepBenchmark {
    private static final int B = 32, T = 24;

    private BertModel model;
    private Adam opt;
    private int[] ids;
    private Tensor mask;

    @Setup(Level.Trial)
    public void setup() {
        Rng rng = new Rng(1);
        model = new BertModel(BertConfig.small(4000, 128, 2, 4, 256, T, 0.1), rng, DType.F32, Devices.cpu());
        opt = Adam.adamW(model.namedParameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
        ids = new int[B * T];
        float[] m = new float[B * T];
        for (int b = 0; b < B; b++) {
            int len = T / 2 + rng.nextInt(T / 2 + 1);
            for (int t = 0; t < len; t++) {
                ids[b * T + t] = 1 + rng.nextInt(3999);
                m[b * T + t] = 1;
            }
        }
        mask = Tensor.of(m, B, T);
    }

    @Benchmark
    public double step() {
        try (TensorScope s = TensorScope.open("step")) {
            Tensor h = model.forward(ids, B, T, mask, null).lastHiddenState();
            Tensor loss = h.mul(h).mean();
            model.zeroGrad();
            loss.backward();
            GradClip.clipGlobalNorm(model.trainableParameters(), 1.0);
            opt.step();
            return loss.item();
        }
    }
}

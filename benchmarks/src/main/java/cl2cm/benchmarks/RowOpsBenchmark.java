package cl2cm.benchmarks;

import cl2cm.engine.backend.Devices;
import cl2cm.engine.ops.Nn;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Row-wise kernels at transformer sizes (rows = batch x tokens): softmax, layer norm and GELU, each against the
 * plain scalar loop that computes the same thing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class RowOpsBenchmark {
    /** rows x cols. */
    @Param({"2048x256", "2048x1024"})
    public String shape;

    private Tensor x;
    private Tensor gamma;
    private Tensor beta;
    private float[] v;
    private float[] out;
    private int rows;
    private int cols;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        cols = Integer.parseInt(p[1]);
        Rng rng = new Rng(1);
        x = rng.normal(0, 1, DType.F32, Devices.cpu(), rows, cols);
        gamma = rng.normal(1, 0.1, DType.F32, Devices.cpu(), cols);
        beta = rng.normal(0, 0.1, DType.F32, Devices.cpu(), cols);
        v = x.toFloatArray();
        out = new float[v.length];
    }

    @Benchmark
    public Tensor softmaxEngine() {
        try (TensorScope s = TensorScope.open("bench")) {
            return s.keep(x.softmax(-1));
        }
    }

    @Benchmark
    public float[] softmaxNaive() {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, v[o + j]);
            }
            float sum = 0;
            for (int j = 0; j < cols; j++) {
                out[o + j] = (float) Math.exp(v[o + j] - max);
                sum += out[o + j];
            }
            for (int j = 0; j < cols; j++) {
                out[o + j] /= sum;
            }
        }
        return out;
    }

    @Benchmark
    public Tensor layerNormEngine() {
        try (TensorScope s = TensorScope.open("bench")) {
            return s.keep(Nn.layerNorm(x, gamma, beta, 1e-12));
        }
    }

    @Benchmark
    public float[] layerNormNaive() {
        float[] g = gamma.toFloatArray();
        float[] b = beta.toFloatArray();
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float mu = 0;
            for (int j = 0; j < cols; j++) {
                mu += v[o + j];
            }
            mu /= cols;
            float var = 0;
            for (int j = 0; j < cols; j++) {
                var += (v[o + j] - mu) * (v[o + j] - mu);
            }
            float rs = (float) (1 / Math.sqrt(var / cols + 1e-12));
            for (int j = 0; j < cols; j++) {
                out[o + j] = (v[o + j] - mu) * rs * g[j] + b[j];
            }
        }
        return out;
    }

    @Benchmark
    public Tensor geluEngine() {
        try (TensorScope s = TensorScope.open("bench")) {
            return s.keep(x.gelu());
        }
    }

    @Benchmark
    public float[] geluNaive() {
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (0.5 * v[i] * (1 + cl2cm.engine.backend.Erf.erf(v[i] / Math.sqrt(2))));
        }
        return out;
    }
}

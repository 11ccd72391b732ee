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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The two compound kernels of CL2CM's encoders against plain scalar loops computing the same thing:
 * a 3x3 convolution (stride 1, padding 1) of the ConvNet's second stage, [32, 16, 32, 32] -> [32, 32, 32, 32], through
 * im2col + GEMM; and attention for short sequences, softmax(Q K^T / sqrt(d)) V over 64 head-batches of 32 x 64
 * (the attention shapes of the kernels issue).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvAttentionBenchmark {
    private static final int N = 32, C = 16, H = 32, W = 32, O = 32, K = 3;
    private static final int B = 64, T = 32, D = 64;

    private Tensor x;
    private Tensor w;
    private Tensor q;
    private Tensor k;
    private Tensor v;
    private float[] xs;
    private float[] ws;
    private float[] convOut;
    private float[] qs;
    private float[] ks;
    private float[] vs;
    private float[] attOut;

    @Setup(Level.Trial)
    public void setup() {
        Rng rng = new Rng(1);
        x = rng.normal(0, 1, DType.F32, Devices.cpu(), N, C, H, W);
        w = rng.normal(0, 0.1, DType.F32, Devices.cpu(), O, C, K, K);
        q = rng.normal(0, 1, DType.F32, Devices.cpu(), B, T, D);
        k = rng.normal(0, 1, DType.F32, Devices.cpu(), B, T, D);
        v = rng.normal(0, 1, DType.F32, Devices.cpu(), B, T, D);
        xs = x.toFloatArray();
        ws = w.toFloatArray();
        convOut = new float[N * O * H * W];
        qs = q.toFloatArray();
        ks = k.toFloatArray();
        vs = v.toFloatArray();
        attOut = new float[B * T * D];
    }

    @Benchmark
    public Tensor conv2dEngine() {
        try (TensorScope s = TensorScope.open("bench")) {
            return s.keep(Nn.conv2d(x, w, null, 1, 1));
        }
    }

    @Benchmark
    public float[] conv2dNaive() {
        for (int n = 0; n < N; n++) {
            for (int o = 0; o < O; o++) {
                for (int y = 0; y < H; y++) {
                    for (int xx = 0; xx < W; xx++) {
                        float acc = 0;
                        for (int c = 0; c < C; c++) {
                            for (int i = 0; i < K; i++) {
                                int iy = y + i - 1;
                                if (iy < 0 || iy >= H) {
                                    continue;
                                }
                                for (int j = 0; j < K; j++) {
                                    int ix = xx + j - 1;
                                    if (ix >= 0 && ix < W) {
                                        acc += xs[((n * C + c) * H + iy) * W + ix] * ws[((o * C + c) * K + i) * K + j];
                                    }
                                }
                            }
                        }
                        convOut[((n * O + o) * H + y) * W + xx] = acc;
                    }
                }
            }
        }
        return convOut;
    }

    @Benchmark
    public Tensor attentionEngine() {
        try (TensorScope s = TensorScope.open("bench")) {
            return s.keep(q.matmul(k.mT()).mul(1 / Math.sqrt(D)).softmax(-1).matmul(v));
        }
    }

    @Benchmark
    public float[] attentionNaive() {
        float scale = (float) (1 / Math.sqrt(D));
        float[] p = new float[T];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < T; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < T; j++) {
                    float s = 0;
                    for (int d = 0; d < D; d++) {
                        s += qs[(b * T + i) * D + d] * ks[(b * T + j) * D + d];
                    }
                    p[j] = s * scale;
                    max = Math.max(max, p[j]);
                }
                float z = 0;
                for (int j = 0; j < T; j++) {
                    p[j] = (float) Math.exp(p[j] - max);
                    z += p[j];
                }
                for (int d = 0; d < D; d++) {
                    float acc = 0;
                    for (int j = 0; j < T; j++) {
                        acc += p[j] * vs[(b * T + j) * D + d];
                    }
                    attOut[(b * T + i) * D + d] = acc / z;
                }
            }
        }
        return attOut;
    }
}

package cl2cm.benchmarks;

import cl2cm.engine.backend.Devices;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * float32 C = A B with A [M, K] and B [K, N]: the engine's matmul (packed Vector API GEMM, threads from the system
 * property {@code cl2cm.threads}) against EJML's CommonOps_FDRM.mult and a naive triple loop. GFLOP/s = 2MNK / time.
 *
 * <pre>java -Dcl2cm.threads=1 -jar benchmarks/target/benchmarks.jar GemmBenchmark -p shape=1024x1024x1024</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    /** MxNxK. */
    @Param({"1024x1024x1024", "2048x256x1024", "2048x1024x256"})
    public String shape;

    private Tensor a;
    private Tensor b;
    private FMatrixRMaj ea;
    private FMatrixRMaj eb;
    private FMatrixRMaj ec;
    private float[] na;
    private float[] nb;
    private float[] nc;
    private int m;
    private int n;
    private int k;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        Rng rng = new Rng(1);
        a = rng.normal(0, 1, DType.F32, Devices.cpu(), m, k);
        b = rng.normal(0, 1, DType.F32, Devices.cpu(), k, n);
        na = a.toFloatArray();
        nb = b.toFloatArray();
        nc = new float[m * n];
        ea = new FMatrixRMaj(m, k, true, na);
        eb = new FMatrixRMaj(k, n, true, nb);
        ec = new FMatrixRMaj(m, n);
    }

    @Benchmark
    public Tensor engine() {
        try (TensorScope scope = TensorScope.open("bench")) {
            return scope.keep(a.matmul(b));
        }
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        CommonOps_FDRM.mult(ea, eb, ec);
        return ec;
    }

    /** The textbook i-k-j loop (the scalar baseline every kernel must beat). */
    @Benchmark
    public float[] naive() {
        java.util.Arrays.fill(nc, 0f);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float av = na[i * k + p];
                for (int j = 0; j < n; j++) {
                    nc[i * n + j] += av * nb[p * n + j];
                }
            }
        }
        return nc;
    }

    @TearDown(Level.Trial)
    public void check() {
        // The three must agree, or the timing means nothing.
        float[] ours = a.matmul(b).toFloatArray();
        CommonOps_FDRM.mult(ea, eb, ec);
        for (int i = 0; i < ours.length; i += 97) {
            if (Math.abs(ours[i] - ec.data[i]) > 1e-3f * (1 + Math.abs(ec.data[i]))) {
                throw new IllegalStateException("engine and EJML disagree at " + i + ": " + ours[i] + " vs " + ec.data[i]);
            }
        }
    }
}

package cl2cm.engine.backend;

import cl2cm.engine.cuda.CudaBackend;
import cl2cm.engine.ops.Losses;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.ops.Pointwise;
import cl2cm.engine.ops.Views;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Storage;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Function;

import static cl2cm.engine.TestData.distinct;
import static cl2cm.engine.TestData.range;
import static cl2cm.engine.TestData.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kernel of every available backend against the CPU's float64 scalar reference kernels: the same function runs
 * on the CPU in float32 (Vector API kernels) and, where a GPU is present, on CUDA in float32 and float64, forward and
 * backward, on random shapes with odd sizes so vector tails and edge tiles are exercised, and large enough that the
 * multithreaded paths split work. Without a GPU the CUDA targets are skipped, and {@link #cudaTargets} says why.
 */
class BackendParityTest {
    /** A backend and dtype under test. */
    private record Target(String name, Backend backend, DType dtype) {
    }

    private static final List<Target> TARGETS = targets();

    private static List<Target> targets() {
        List<Target> t = new java.util.ArrayList<>(List.of(new Target("cpu f32", Devices.cpu(), DType.F32)));
        if (CudaBackend.unavailableReason() == null) {
            t.add(new Target("cuda f32", CudaBackend.instance(), DType.F32));
            t.add(new Target("cuda f64", CudaBackend.instance(), DType.F64));
        }
        return t;
    }

    @Test
    void cudaTargets() {
        String why = CudaBackend.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, "CUDA parity cases skipped: " + why);
        org.junit.jupiter.api.Assertions.assertEquals(3, TARGETS.size());
    }

    private record In(double[] v, int[] shape) {
    }

    private static In in(double[] v, int... shape) {
        return new In(v, shape);
    }

    /**
     * Compares outputs and input gradients of f on every target with the CPU float64 reference, within
     * tol * (1 + |reference|).
     */
    static void parity(String name, double tol, Function<Tensor[], Tensor> f, In... inputs) {
        Tensor[] x64 = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            x64[i] = Tensor.of(inputs[i].v, DType.F64, inputs[i].shape).requiresGrad(true);
        }
        Tensor y64 = f.apply(x64);
        Tensor w = new Rng(77).normal(0, 1, DType.F64, Devices.cpu(), y64.shape());
        y64.mul(w).sum().backward();
        for (Target target : TARGETS) {
            Tensor[] x = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                x[i] = Tensor.of(inputs[i].v, target.dtype(), target.backend(), inputs[i].shape).requiresGrad(true);
            }
            Tensor y = f.apply(x);
            String what = name + " on " + target.name();
            compare(what + " forward", y.toDoubleArray(), y64.toDoubleArray(), tol);
            y.mul(w.to(target.dtype()).to(target.backend())).sum().backward();
            for (int i = 0; i < inputs.length; i++) {
                if (x64[i].grad() != null) {
                    compare(what + " grad of input " + i, x[i].grad().toDoubleArray(), x64[i].grad().toDoubleArray(),
                            tol);
                }
            }
        }
    }

    static void compare(String what, double[] got, double[] ref, double tol) {
        if (got.length != ref.length) {
            fail(what + ": " + got.length + " elements vs " + ref.length);
        }
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - ref[i]) <= tol * (1 + Math.abs(ref[i])))) {
                fail(String.format("%s: element %d is %.8g, reference %.8g", what, i, got[i], ref[i]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 17, 33, 1000, 40001})
    void unaryKernels(int n) {
        Rng r = new Rng(n);
        In x = in(range(r, -3, 3, n), n);
        In pos = in(range(r, 0.1, 4, n), n);
        parity("neg", 1e-6, t -> t[0].neg(), x);
        parity("exp", 1e-5, t -> t[0].exp(), x);
        parity("log", 1e-5, t -> t[0].log(), pos);
        parity("sqrt", 1e-5, t -> t[0].sqrt(), pos);
        parity("abs", 1e-6, t -> t[0].abs(), x);
        parity("tanh", 1e-5, t -> t[0].tanh(), x);
        parity("sigmoid", 1e-5, t -> t[0].sigmoid(), x);
        parity("relu", 1e-6, t -> t[0].relu(), x);
        parity("affine", 1e-5, t -> t[0].mul(1.7).add(-0.3), x);
        parity("pow", 1e-5, t -> t[0].pow(2.5), pos);
        parity("clamp", 1e-6, t -> t[0].clamp(-1, 0.5), x);
        parity("gelu erf", 1e-5, t -> t[0].gelu(), x);
        parity("gelu tanh", 1e-5, t -> t[0].geluTanh(), x);
    }

    /**
     * Every constant of {@link UnaryOp} and {@link BinaryOp}, straight through {@link Backend#unary} and
     * {@link Backend#binary} on every target, against the enum's own scalar definition: an op added to the enums
     * but not to a backend (e.g. kernels.cu's switch) fails here on the machines that have that backend.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 17, 1000})
    void everyPointwiseOpAgreesWithItsScalarDefinition(int n) {
        Rng r = new Rng(31 + n);
        double[] x = range(r, -3, 3, n);
        double[] pos = range(r, 0.1, 3, n);
        double[] b = range(r, 0.5, 2, n);
        for (int i = 0; i < n; i++) {
            b[i] = i % 5 == 0 ? x[i] : r.nextDouble() < 0.5 ? -b[i] : b[i];   // equal pairs for EQ, no zero divisor
        }
        double p = -1, q = 0.5;
        for (Target target : TARGETS) {
            Backend be = target.backend();
            for (UnaryOp op : UnaryOp.values()) {
                double[] in = rounded(target.dtype(), op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW
                        ? pos : x);
                Storage out = be.allocate(target.dtype(), n);
                be.unary(op, p, q, be.fromDoubles(target.dtype(), in), out, n);
                double[] ref = new double[n];
                for (int i = 0; i < n; i++) {
                    ref[i] = op.apply(in[i], p, q);
                }
                compare(op + " on " + target.name(), be.toDoubles(contiguous(out, n)), ref, 2e-5);
            }
            double[] a32 = rounded(target.dtype(), x);
            double[] b32 = rounded(target.dtype(), b);
            for (BinaryOp op : BinaryOp.values()) {
                Storage out = be.allocate(target.dtype(), n);
                be.binary(op, contiguous(be.fromDoubles(target.dtype(), a32), n),
                        contiguous(be.fromDoubles(target.dtype(), b32), n), out);
                double[] ref = new double[n];
                for (int i = 0; i < n; i++) {
                    ref[i] = op.apply(a32[i], b32[i]);
                }
                compare(op + " on " + target.name(), be.toDoubles(contiguous(out, n)), ref, 2e-5);
            }
        }
    }

    /** The values a tensor of {@code dtype} holds for {@code v}: float32 rounds them, so the reference must too. */
    private static double[] rounded(DType dtype, double[] v) {
        return dtype == DType.F32 ? java.util.Arrays.stream(v).map(d -> (float) d).toArray() : v;
    }

    private static View contiguous(Storage s, int n) {
        return new View(s, new int[]{n}, new int[]{1}, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 9, 31})
    void binaryKernelsAllBroadcastPatterns(int n) {
        Rng r = new Rng(n);
        int m = 5;
        In a = in(uniform(r, m, n), m, n);
        In b = in(uniform(r, m, n), m, n);
        In row = in(uniform(r, n), n);
        In col = in(range(r, 0.5, 2, m, 1), m, 1);
        In one = in(range(r, 0.5, 2, 1), 1);
        for (String op : new String[]{"add", "sub", "mul", "div", "max", "min"}) {
            Function<Tensor[], Tensor> f = t -> switch (op) {
                case "add" -> t[0].add(t[1]);
                case "sub" -> t[0].sub(t[1]);
                case "mul" -> t[0].mul(t[1]);
                case "div" -> t[0].div(t[1].abs().add(0.5));
                case "max" -> t[0].maximum(t[1]);
                default -> t[0].minimum(t[1]);
            };
            parity(op + " same shape", 1e-5, f, a, b);
            parity(op + " row broadcast", 1e-5, f, a, row);
            parity(op + " column broadcast", 1e-5, f, a, col);
            parity(op + " scalar broadcast", 1e-5, f, one, a);
            parity(op + " transposed operand", 1e-5, t -> f.apply(new Tensor[]{t[0].mT(), t[1]}),
                    in(uniform(r, n, m), n, m), in(uniform(r, m, n), m, n));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void gemmAgainstReference(int seed) {
        Rng r = new Rng(seed);
        // Shapes straddle the micro-tile (6 or 12 rows x 2 vectors) and cache blocks (MC = 96, KC = 512).
        // Small M with unit-stride B reads B in place (ragged last slivers copied); 2100 > NC and 300, 513 > KC.
        int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {13, 37, 17}, {97, 33, 260}, {6, 16, 8}, {130, 70, 300},
                {50, 2100, 300}, {96, 45, 513}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            parity("gemm " + m + "x" + n + "x" + k, 1e-4, t -> t[0].matmul(t[1]),
                    in(uniform(r, m, k), m, k), in(uniform(r, k, n), k, n));
            parity("gemm A^T B^T " + m + "x" + n + "x" + k, 1e-4, t -> t[0].mT().matmul(t[1].mT()),
                    in(uniform(r, k, m), k, m), in(uniform(r, n, k), n, k));
        }
        parity("batched gemm 64 x 32x32x64", 1e-4, t -> t[0].matmul(t[1].mT()),
                in(uniform(r, 4, 16, 32, 64), 4, 16, 32, 64), in(uniform(r, 4, 16, 32, 64), 4, 16, 32, 64));
        // Attention's heads: [B, T, heads, d] read as [B, heads, T, d] (two batch levels, no copy), and a layout
        // with three levels (copied).
        parity("bmm over permuted heads", 1e-4, t -> t[0].permute(0, 2, 1, 3).matmul(t[1].permute(0, 2, 3, 1)),
                in(uniform(r, 3, 7, 4, 5), 3, 7, 4, 5), in(uniform(r, 3, 6, 4, 5), 3, 6, 4, 5));
        parity("bmm over three batch levels", 1e-4, t -> t[0].permute(1, 0, 3, 2, 4).matmul(t[1]),
                in(uniform(r, 2, 3, 5, 4, 6), 2, 3, 5, 4, 6), in(uniform(r, 3, 2, 4, 6, 2), 3, 2, 4, 6, 2));
        parity("linear (addmm onto the bias)", 1e-4, t -> Nn.linear(t[0], t[1], t[2]),
                in(uniform(r, 3, 50, 40), 3, 50, 40), in(uniform(r, 23, 40), 23, 40), in(uniform(r, 23), 23));
        // Odd sizes, one output, a single row, and operands at offsets that are not 16-byte aligned (CUDA's
        // bias epilogue must pick algorithms for the real alignment, or fall back).
        for (int[] s : new int[][]{{1, 1, 1}, {7, 1, 5}, {1, 33, 17}, {129, 65, 31}, {300, 768, 96}}) {
            int rows = s[0], out = s[1], inner = s[2];
            parity("linear " + rows + "x" + out + "x" + inner, 1e-4, t -> Nn.linear(t[0], t[1], t[2]),
                    in(uniform(r, rows, inner), rows, inner), in(uniform(r, out, inner), out, inner),
                    in(uniform(r, out), out));
        }
        parity("linear on unaligned views", 1e-4, t -> Nn.linear(t[0].narrow(0, 1, 45 * 13).reshape(45, 13),
                        t[1].narrow(0, 1, 9), t[2].narrow(0, 3, 9)),
                in(uniform(r, 45 * 13 + 1), 45 * 13 + 1), in(uniform(r, 10, 13), 10, 13), in(uniform(r, 12), 12));
        parity("3d @ 2d", 1e-4, t -> t[0].matmul(t[1]),
                in(uniform(r, 3, 50, 40), 3, 50, 40), in(uniform(r, 40, 23), 40, 23));
    }

    @Test
    void attention() {
        Rng r = new Rng(41);
        // {batch, Tq, Tk, heads, head size}: self- and cross-attention, odd and single sizes, a BERT-like 32-token
        // case; the last does not fit one block's shared memory on a GPU, so it is composed there too.
        int[][] shapes = {{3, 5, 7, 2, 8}, {2, 1, 1, 1, 1}, {4, 32, 32, 4, 16}, {2, 33, 17, 3, 5}, {1, 64, 64, 2, 64}};
        for (int[] s : shapes) {
            int b = s[0], tq = s[1], tk = s[2], heads = s[3], width = heads * s[4];
            double[] mask = new double[b * tk];
            for (int i = 0; i < mask.length; i++) {
                int key = i % tk;
                mask[i] = key > 0 && key >= tk - 1 - (i / tk) % 3 ? -1e9 : 0;   // padding at the end, key 0 kept
            }
            for (double p : new double[]{0, 0.2}) {
                parity("attention " + java.util.Arrays.toString(s) + " dropout " + p, 1e-4,
                        t -> cl2cm.engine.ops.Attention.multiHead(t[0], t[1], t[2], Tensor.of(mask, t[0].dtype(), t[0].backend(), b, 1, 1, tk),
                                heads, p, true, new Rng(5)),
                        in(uniform(r, b, tq, width), b, tq, width), in(uniform(r, b, tk, width), b, tk, width),
                        in(uniform(r, b, tk, width), b, tk, width));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 19, 300})
    void rowKernels(int cols) {
        Rng r = new Rng(cols);
        int rows = 37;
        In x = in(range(r, -4, 4, rows, cols), rows, cols);
        parity("softmax", 1e-5, t -> t[0].softmax(-1), x);
        parity("log softmax", 1e-5, t -> t[0].logSoftmax(-1), x);
        parity("layer norm", 1e-4, t -> Nn.layerNorm(t[0], t[1], t[2], 1e-5), x,
                in(range(r, 0.5, 1.5, cols), cols), in(uniform(r, cols), cols));
        parity("sum rows", 1e-5, t -> t[0].sum(-1, false), x);
        parity("sum columns", 1e-5, t -> t[0].sum(0, false), x);
        parity("mean all", 1e-5, t -> t[0].mean(), x);
        parity("max rows", 1e-6, t -> t[0].max(-1, false), in(distinct(r, rows, cols), rows, cols));
        parity("max columns", 1e-6, t -> t[0].max(0, false), in(distinct(r, rows, cols), rows, cols));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 37, 1025})
    void batchNormKernels(int spatial) {
        // [n, c, spatial] with n * spatial values per channel; spatial 1 is the [N, C] case.
        Rng r = new Rng(spatial);
        int n = spatial > 100 ? 3 : 5;
        int c = 7;
        In x = in(range(r, -2, 3, n, c, spatial), n, c, spatial);
        In gamma = in(range(r, 0.5, 1.5, c), c);
        In beta = in(uniform(r, c), c);
        parity("batch norm", 1e-4, t -> Nn.batchNorm(t[0], null, null, t[1], t[2], true, 0.1, 1e-5), x, gamma, beta);
        parity("batch norm without affine", 1e-4, t -> Nn.batchNorm(t[0], null, null, null, null, true, 0.1, 1e-5), x);
    }

    @Test
    void longColumnReductions() {
        Rng r = new Rng(12);
        // len >= 64 takes the tiled column kernel on CUDA; inner 70 and 45 leave partial 32-column tiles.
        parity("sum of long columns", 1e-5, t -> t[0].sum(0, false), in(uniform(r, 300, 70), 300, 70));
        parity("max of long columns", 1e-6, t -> t[0].max(0, false), in(distinct(r, 300, 70), 300, 70));
        parity("sum over the middle of [3, 100, 45]", 1e-5, t -> t[0].sum(1, false),
                in(uniform(r, 3, 100, 45), 3, 100, 45));
    }

    @Test
    void convolutionAndPooling() {
        Rng r = new Rng(3);
        In x = in(uniform(r, 2, 3, 11, 9), 2, 3, 11, 9);
        In w = in(uniform(r, 5, 3, 3, 3), 5, 3, 3, 3);
        In bias = in(uniform(r, 5), 5);
        parity("conv2d 3x3 s1 p1", 1e-4, t -> Nn.conv2d(t[0], t[1], t[2], 1, 1), x, w, bias);
        parity("conv2d 3x3 s2 p0", 1e-4, t -> Nn.conv2d(t[0], t[1], null, 2, 0), x, w);
        In d = in(distinct(r, 2, 3, 11, 9), 2, 3, 11, 9);
        parity("max pool 3 s2 p1", 1e-6, t -> Nn.maxPool2d(t[0], 3, 2, 1), d);
        parity("avg pool 2 s2", 1e-5, t -> Nn.avgPool2d(t[0], 2, 2, 0), x);
    }

    @Test
    void indexingCopiesAndLosses() {
        Rng r = new Rng(4);
        In table = in(uniform(r, 11, 19), 11, 19);
        parity("embedding", 1e-6, t -> Nn.embedding(t[0], new int[]{3, 3, 10, 0, 7}, 5), table);
        parity("concat + strided copy", 1e-6, t -> Views.concat(List.of(t[0].mT(), t[0].mT()), 0).exp(), table);
        parity("cross entropy", 1e-5, t -> Losses.crossEntropy(t[0], new int[]{1, 4, -1, 0, 18, 2, 3, 3, 9, 9, 0}, -1),
                table);
        parity("kl div", 1e-5, t -> Losses.klDiv(t[0].logSoftmax(-1), t[0].mul(2).softmax(-1)), table);
        // The same seed gives the same mask on every backend (counter-based hash), so dropout is comparable too.
        parity("dropout", 1e-6, t -> Nn.dropout(t[0], 0.3, true, new Rng(5)), table);
        parity("dropout-add", 1e-6, t -> Nn.dropoutAdd(t[0], t[0].mul(0.5), 0.3, true, new Rng(5)), table);
        Tensor mask = Tensor.of(new double[]{1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1}, DType.F64, 11, 1);
        parity("where", 1e-6, t -> Pointwise.where(mask.to(t[0].dtype()).to(t[0].backend()), t[0], t[0].neg()), table);
    }

    @Test
    void dropoutMasksFollowTheHashAndTheRate() {
        for (Target target : TARGETS) {
            Tensor ones = Tensor.zeros(target.dtype(), target.backend(), 100_001).add(1.0);
            Tensor m = Tensor.zeros(target.dtype(), target.backend(), 100_001);
            target.backend().dropout(ones.storage(), m.storage(), m.numel(), 0.25, 4.0 / 3, 1234);
            double[] v = m.toDoubleArray();
            int dropped = 0;
            for (int i = 0; i < v.length; i++) {
                boolean drop = DropoutHash.uniform(1234, i) < 0.25;
                dropped += drop ? 1 : 0;
                if (Math.abs(v[i] - (drop ? 0 : 4.0 / 3)) > 1e-6) {
                    fail(target.name() + ": mask element " + i + " is " + v[i]);
                }
            }
            double rate = dropped / (double) v.length;
            if (Math.abs(rate - 0.25) > 0.005) {
                fail(target.name() + ": dropped " + rate + " of elements, expected 0.25");
            }
        }
    }

    @Test
    void optimizerAndInPlaceKernels() {
        // Two parameters in one multi-tensor update; the second spans two 65,536-element chunks on a GPU.
        Rng r = new Rng(5);
        int[] sizes = {1001, 70_001};
        double[][] p = {uniform(r, sizes[0]), uniform(r, sizes[1])};
        double[][] g = {uniform(r, sizes[0]), uniform(r, sizes[1])};
        List<Target> all = new java.util.ArrayList<>(TARGETS);
        all.add(new Target("cpu f64", Devices.cpu(), DType.F64));
        double[][][] results = new double[all.size()][2][];
        int i = 0;
        for (Target target : all) {
            DType dt = target.dtype();
            List<Tensor> tp = new java.util.ArrayList<>();
            List<OptimizerKernels.AdamTensors> adam = new java.util.ArrayList<>();
            List<Tensor> tg = new java.util.ArrayList<>();
            for (int k = 0; k < 2; k++) {
                Tensor pk = Tensor.of(p[k], dt, target.backend(), sizes[k]);
                Tensor gk = Tensor.of(g[k], dt, target.backend(), sizes[k]);
                tp.add(pk);
                tg.add(gk);
                adam.add(new OptimizerKernels.AdamTensors(pk.storage(), gk.storage(),
                        Tensor.zeros(dt, target.backend(), sizes[k]).storage(),
                        Tensor.zeros(dt, target.backend(), sizes[k]).storage()));
            }
            for (long step = 1; step <= 3; step++) {
                Tensor scalars = Tensor.of(new double[]{1e-2, step}, DType.F64, target.backend(), 2);
                target.backend().adamUpdate(adam, scalars.storage(), 0.9, 0.999, 1e-8, 0.01, step % 2 == 0);
            }
            for (int k = 0; k < 2; k++) {
                target.backend().axpby(tp.get(k).storage(), 0.5, tg.get(k).storage(), -2.0, sizes[k]);
                results[i][k] = tp.get(k).toDoubleArray();
            }
            i++;
        }
        for (int t = 0; t < all.size() - 1; t++) {
            for (int k = 0; k < 2; k++) {
                compare("adam + axpby on " + all.get(t).name() + ", parameter " + k, results[t][k],
                        results[all.size() - 1][k], 1e-5);
            }
        }
    }

    @Test
    void multiTensorOpsOverEmptyTensors() {
        // No chunks at all: the CUDA kernels must not be launched with an empty grid.
        for (Target target : TARGETS) {
            Backend be = target.backend();
            List<cl2cm.engine.tensor.Storage> empty = List.of(Tensor.zeros(target.dtype(), be, 0).storage(),
                    Tensor.zeros(target.dtype(), be, 0).storage());
            Tensor norm = Tensor.full(7.0, DType.F64, be);
            be.globalNorm(empty, norm.storage());
            assertEquals(0.0, norm.item(), 0.0, target.name());
            be.clipToNorm(empty, norm.storage(), 1.0);
            Tensor scalars = Tensor.of(new double[]{1e-2, 1}, DType.F64, be, 2);
            be.adamUpdate(List.of(new OptimizerKernels.AdamTensors(empty.get(0), empty.get(1), empty.get(0), empty.get(1))),
                    scalars.storage(), 0.9, 0.999, 1e-8, 0.0, true);
        }
    }

    @Test
    void multiTensorNormAndClip() {
        // Sizes around the 65,536-element chunks of the CUDA kernels, and a tiny one.
        int[] sizes = {3, 65_536, 70_001, 131_073};
        Rng r = new Rng(8);
        double[][] data = new double[sizes.length][];
        double sum = 0;
        for (int k = 0; k < sizes.length; k++) {
            data[k] = uniform(r, sizes[k]);
            for (double v : data[k]) {
                sum += v * v;
            }
        }
        double expected = Math.sqrt(sum);
        for (Target target : TARGETS) {
            for (double maxNorm : new double[]{expected / 4, expected * 2}) {
                List<Tensor> ts = new java.util.ArrayList<>();
                for (double[] d : data) {
                    ts.add(Tensor.of(d, target.dtype(), target.backend(), d.length));
                }
                List<cl2cm.engine.tensor.Storage> storages = ts.stream().map(Tensor::storage).toList();
                Tensor norm = Tensor.zeros(DType.F64, target.backend());
                target.backend().globalNorm(storages, norm.storage());
                double got = norm.item();
                if (Math.abs(got - expected) > 1e-5 * expected) {
                    fail(target.name() + ": global norm " + got + ", expected " + expected);
                }
                target.backend().clipToNorm(storages, norm.storage(), maxNorm);
                double factor = Math.min(1, maxNorm / (expected + 1e-6));
                for (int k = 0; k < data.length; k++) {
                    double[] want = java.util.Arrays.stream(data[k]).map(v -> factor * v).toArray();
                    compare("clip to " + maxNorm + " on " + target.name(), ts.get(k).toDoubleArray(), want, 1e-6);
                }
            }
        }
    }
}

package cl2cm.engine.cpu;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.OptimizerKernels;
import cl2cm.engine.backend.OptimizerKernels.AdamTensors;
import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.ConvGeometry;
import cl2cm.engine.backend.DropoutHash;
import cl2cm.engine.backend.MatOperand;
import cl2cm.engine.backend.MemoryStats;
import cl2cm.engine.backend.ReduceOp;
import cl2cm.engine.backend.UnaryOp;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import cl2cm.engine.tensor.TensorScope;

/**
 * The CPU backend. float32 tensors run on the Vector API kernels ({@link VectorKernels}, {@link Gemm},
 * {@link ConvKernels}), multithreaded; float64 tensors run on the scalar {@link ReferenceKernels}, which define
 * what the fast kernels must compute.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {
    }

    @Override
    public String name() {
        return "cpu";
    }

    private static boolean f32(Storage s) {
        return s.dtype() == DType.F32;
    }

    private static float[] f(Storage s) {
        return s == null ? null : CpuStorage.of(s).f();
    }

    private static double[] d(Storage s) {
        return s == null ? null : CpuStorage.of(s).d();
    }

    private static CpuStorage c(Storage s) {
        return CpuStorage.of(s);
    }

    private static void sameDType(Storage... ss) {
        DType t = null;
        for (Storage s : ss) {
            if (s == null) {
                continue;
            }
            if (t != null && s.dtype() != t) {
                throw new IllegalArgumentException("mixed dtypes " + t + " and " + s.dtype()
                        + " in one kernel; convert with tensor.to(dtype)");
            }
            t = s.dtype();
        }
    }

    // ---- memory ------------------------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, long numel) {
        CpuStorage s = CpuStorage.allocate(dtype, numel, true);
        TensorScope.register(s);
        return s;
    }

    @Override
    public Storage allocateUninitialized(DType dtype, long numel) {
        CpuStorage s = CpuStorage.allocate(dtype, numel, false);
        TensorScope.register(s);
        return s;
    }

    @Override
    public MemoryStats memoryStats() {
        return CpuMemory.stats();
    }

    @Override
    public void resetPeakMemory() {
        CpuMemory.resetPeak();
    }

    @Override
    public Storage fromDoubles(DType dtype, double[] data) {
        CpuStorage s = (CpuStorage) allocate(dtype, data.length);
        if (dtype == DType.F64) {
            System.arraycopy(data, 0, s.d(), 0, data.length);
        } else {
            float[] f = s.f();
            for (int i = 0; i < data.length; i++) {
                f[i] = (float) data[i];
            }
        }
        return s;
    }

    @Override
    public Storage fromFloats(float[] data) {
        CpuStorage s = (CpuStorage) allocate(DType.F32, data.length);
        System.arraycopy(data, 0, s.f(), 0, data.length);
        return s;
    }

    @Override
    public double[] toDoubles(View v) {
        double[] out = new double[(int) v.numel()];
        CpuStorage src = c(v.storage());
        Strided it = new Strided(v.shape(), v);
        int st = it.innerStride(0);
        for (int r = 0, o = 0; r < it.rows; r++) {
            int base = it.rowOffset(0, r);
            for (int t = 0; t < it.inner; t++) {
                out[o++] = src.get(base + (long) t * st);
            }
        }
        return out;
    }

    @Override
    public float[] toFloats(View v) {
        if (f32(v.storage()) && v.isContiguous()) {
            float[] f = f(v.storage());
            return java.util.Arrays.copyOfRange(f, (int) v.offset(), (int) (v.offset() + v.numel()));
        }
        double[] d = toDoubles(v);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    @Override
    public void copy(View src, View dst) {
        if (!java.util.Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException("copy between shapes " + java.util.Arrays.toString(src.shape())
                    + " and " + java.util.Arrays.toString(dst.shape()));
        }
        Strided it = new Strided(dst.shape(), src, dst);
        int ss = it.innerStride(0);
        int ds = it.innerStride(1);
        if (f32(src.storage()) && f32(dst.storage())) {
            float[] a = f(src.storage());
            float[] b = f(dst.storage());
            Parallel.forRange(it.rows, Math.max(1, 8192 / Math.max(1, it.inner)), (s, e) -> {
                for (int r = s; r < e; r++) {
                    int so = it.rowOffset(0, r);
                    int dOff = it.rowOffset(1, r);
                    if (ss == 1 && ds == 1) {
                        System.arraycopy(a, so, b, dOff, it.inner);
                    } else {
                        for (int t = 0; t < it.inner; t++) {
                            b[dOff + t * ds] = a[so + t * ss];
                        }
                    }
                }
            });
            return;
        }
        CpuStorage a = c(src.storage());
        CpuStorage b = c(dst.storage());
        for (int r = 0; r < it.rows; r++) {
            int so = it.rowOffset(0, r);
            int dOff = it.rowOffset(1, r);
            for (int t = 0; t < it.inner; t++) {
                b.set(dOff + (long) t * ds, a.get(so + (long) t * ss));
            }
        }
    }

    @Override
    public void fill(View dst, double value) {
        CpuStorage b = c(dst.storage());
        Strided it = new Strided(dst.shape(), dst);
        int ds = it.innerStride(0);
        for (int r = 0; r < it.rows; r++) {
            int o = it.rowOffset(0, r);
            if (ds == 1 && f32(b)) {
                java.util.Arrays.fill(b.f(), o, o + it.inner, (float) value);
            } else {
                for (int t = 0; t < it.inner; t++) {
                    b.set(o + (long) t * ds, value);
                }
            }
        }
    }

    // ---- pointwise ---------------------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, double p, double q, Storage x, Storage out, long n) {
        sameDType(x, out);
        if (f32(x)) {
            VectorKernels.unary(op, p, q, f(x), f(out), (int) n);
        } else {
            ReferenceKernels.unary(op, p, q, d(x), d(out), (int) n);
        }
    }

    @Override
    public void binary(BinaryOp op, View a, View b, Storage out) {
        sameDType(a.storage(), b.storage(), out);
        int[] shape = a.shape();
        View ov = new View(out, shape, cl2cm.engine.tensor.Shape.contiguousStrides(shape), 0);
        Strided it = new Strided(shape, a, b, ov);
        int as = it.innerStride(0);
        int bs = it.innerStride(1);
        if (f32(out)) {
            float[] av = f(a.storage());
            float[] bv = f(b.storage());
            float[] o = f(out);
            Parallel.forRange(it.rows, Math.max(1, 16384 / Math.max(1, it.inner)), (s, e) -> {
                for (int r = s; r < e; r++) {
                    VectorKernels.binaryRun(op, av, it.rowOffset(0, r), as, bv, it.rowOffset(1, r), bs, o,
                            it.rowOffset(2, r), it.inner);
                }
            });
            return;
        }
        double[] av = d(a.storage());
        double[] bv = d(b.storage());
        double[] o = d(out);
        for (int r = 0; r < it.rows; r++) {
            int ao = it.rowOffset(0, r);
            int bo = it.rowOffset(1, r);
            int oo = it.rowOffset(2, r);
            for (int t = 0; t < it.inner; t++) {
                o[oo + t] = op.apply(av[ao + t * as], bv[bo + t * bs]);
            }
        }
    }

    @Override
    public void where(View cond, View a, View b, Storage out) {
        sameDType(a.storage(), b.storage(), out);
        int[] shape = a.shape();
        View ov = new View(out, shape, cl2cm.engine.tensor.Shape.contiguousStrides(shape), 0);
        Strided it = new Strided(shape, cond, a, b, ov);
        CpuStorage cs = c(cond.storage());
        CpuStorage as = c(a.storage());
        CpuStorage bs = c(b.storage());
        CpuStorage os = c(out);
        int s0 = it.innerStride(0);
        int s1 = it.innerStride(1);
        int s2 = it.innerStride(2);
        for (int r = 0; r < it.rows; r++) {
            int co = it.rowOffset(0, r);
            int ao = it.rowOffset(1, r);
            int bo = it.rowOffset(2, r);
            int oo = it.rowOffset(3, r);
            for (int t = 0; t < it.inner; t++) {
                double v = cs.get(co + (long) t * s0) != 0 ? as.get(ao + (long) t * s1) : bs.get(bo + (long) t * s2);
                os.set(oo + t, v);
            }
        }
    }

    @Override
    public void axpby(Storage dst, double a, Storage src, double b, long n) {
        sameDType(dst, src);
        if (f32(dst)) {
            VectorKernels.axpby(f(dst), (float) a, f(src), (float) b, (int) n);
        } else {
            double[] x = d(dst);
            double[] y = d(src);
            for (int i = 0; i < n; i++) {
                x[i] = a * x[i] + (y == null ? 0 : b * y[i]);
            }
        }
    }

    // ---- reductions and linear algebra -------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out) {
        sameDType(x, out);
        if (f32(x)) {
            VectorKernels.reduce(op, f(x), outer, len, inner, f(out));
        } else {
            ReferenceKernels.reduce(op, d(x), outer, len, inner, d(out));
        }
    }

    @Override
    public void gemm(int batch, int m, int n, int k, double alpha, MatOperand a, MatOperand b, double beta,
                     Storage c, long cOffset) {
        sameDType(a.storage(), b.storage(), c);
        if (f32(c)) {
            Gemm.gemm(batch, m, n, k, (float) alpha, a, f(a.storage()), b, f(b.storage()), (float) beta, f(c),
                    (int) cOffset);
        } else {
            ReferenceKernels.gemm(batch, m, n, k, alpha, a, d(a.storage()), b, d(b.storage()), beta, d(c),
                    (int) cOffset);
        }
    }

    // ---- fused rows --------------------------------------------------------------------------------------------

    @Override
    public void softmax(Storage x, Storage out, int rows, int cols, boolean log) {
        sameDType(x, out);
        if (f32(x)) {
            VectorKernels.softmax(f(x), f(out), rows, cols, log);
        } else {
            ReferenceKernels.softmax(d(x), d(out), rows, cols, log);
        }
    }

    @Override
    public void softmaxBackward(Storage y, Storage gy, Storage gx, int rows, int cols, boolean log) {
        sameDType(y, gy, gx);
        if (f32(y)) {
            VectorKernels.softmaxBackward(f(y), f(gy), f(gx), rows, cols, log);
        } else {
            ReferenceKernels.softmaxBackward(d(y), d(gy), d(gx), rows, cols, log);
        }
    }

    @Override
    public void layerNorm(Storage x, Storage gamma, Storage beta, Storage out, Storage mean, Storage rstd, int rows,
                          int cols, double eps) {
        sameDType(x, gamma, beta, out, mean, rstd);
        if (f32(x)) {
            VectorKernels.layerNorm(f(x), f(gamma), f(beta), f(out), f(mean), f(rstd), rows, cols, (float) eps);
        } else {
            ReferenceKernels.layerNorm(d(x), d(gamma), d(beta), d(out), d(mean), d(rstd), rows, cols, eps);
        }
    }

    @Override
    public void batchNorm(Storage x, Storage gamma, Storage beta, Storage out, Storage mean, Storage rstd, int n, int c,
                          int s, double eps) {
        sameDType(x, gamma, beta, out, mean, rstd);
        if (f32(x)) {
            VectorKernels.batchNorm(f(x), f(gamma), f(beta), f(out), f(mean), f(rstd), n, c, s, (float) eps);
        } else {
            ReferenceKernels.batchNorm(d(x), d(gamma), d(beta), d(out), d(mean), d(rstd), n, c, s, eps);
        }
    }

    @Override
    public void batchNormBackward(Storage x, Storage gamma, Storage mean, Storage rstd, Storage gy, Storage gx,
                                  Storage ggamma, Storage gbeta, int n, int c, int s) {
        sameDType(x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        if (f32(x)) {
            VectorKernels.batchNormBackward(f(x), f(gamma), f(mean), f(rstd), f(gy), f(gx), f(ggamma),
                    f(gbeta), n, c, s);
        } else {
            ReferenceKernels.batchNormBackward(d(x), d(gamma), d(mean), d(rstd), d(gy), d(gx), d(ggamma),
                    d(gbeta), n, c, s);
        }
    }

    @Override
    public void layerNormBackward(Storage x, Storage gamma, Storage mean, Storage rstd, Storage gy, Storage gx,
                                  Storage ggamma, Storage gbeta, int rows, int cols) {
        sameDType(x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        if (f32(x)) {
            VectorKernels.layerNormBackward(f(x), f(gamma), f(mean), f(rstd), f(gy), f(gx), f(ggamma), f(gbeta),
                    rows, cols);
        } else {
            ReferenceKernels.layerNormBackward(d(x), d(gamma), d(mean), d(rstd), d(gy), d(gx), d(ggamma), d(gbeta),
                    rows, cols);
        }
    }

    // ---- indexing ----------------------------------------------------------------------------------------------

    private static void checkIndices(int[] idx, int tableRows) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= tableRows) {
                throw new IndexOutOfBoundsException("index " + idx[i] + " at position " + i
                        + " is out of range for " + tableRows + " rows");
            }
        }
    }

    @Override
    public void gatherRows(Storage table, int tableRows, int cols, int[] idx, Storage out) {
        sameDType(table, out);
        checkIndices(idx, tableRows);
        if (f32(table)) {
            float[] t = f(table);
            float[] o = f(out);
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(t, idx[i] * cols, o, i * cols, cols);
            }
        } else {
            double[] t = d(table);
            double[] o = d(out);
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(t, idx[i] * cols, o, i * cols, cols);
            }
        }
    }

    @Override
    public void scatterAddRows(Storage src, int cols, int[] idx, int skip, Storage table, int tableRows) {
        sameDType(src, table);
        checkIndices(idx, tableRows);
        if (f32(table)) {
            float[] s = f(src);
            float[] t = f(table);
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] == skip) {
                    continue;
                }
                VectorKernels.binaryRun(BinaryOp.ADD, t, idx[i] * cols, 1, s, i * cols, 1, t, idx[i] * cols, cols);
            }
        } else {
            double[] s = d(src);
            double[] t = d(table);
            for (int i = 0; i < idx.length; i++) {
                for (int j = 0; j < cols && idx[i] != skip; j++) {
                    t[idx[i] * cols + j] += s[i * cols + j];
                }
            }
        }
    }

    // ---- convolution and pooling -------------------------------------------------------------------------------

    @Override
    public void im2col(Storage x, ConvGeometry g, Storage cols) {
        sameDType(x, cols);
        if (f32(x)) {
            ConvKernels.im2col(f(x), g, f(cols));
        } else {
            ReferenceKernels.im2col(d(x), g, d(cols));
        }
    }

    @Override
    public void col2im(Storage cols, ConvGeometry g, Storage x) {
        sameDType(x, cols);
        if (f32(x)) {
            ConvKernels.col2im(f(cols), g, f(x));
        } else {
            ReferenceKernels.col2im(d(cols), g, d(x));
        }
    }

    @Override
    public void maxPool2d(Storage x, ConvGeometry g, Storage out) {
        sameDType(x, out);
        if (f32(x)) {
            ConvKernels.maxPool2d(f(x), g, f(out), null, null);
        } else {
            ReferenceKernels.maxPool2d(d(x), g, d(out), null, null);
        }
    }

    @Override
    public void maxPool2dBackward(Storage x, Storage gy, ConvGeometry g, Storage gx) {
        sameDType(x, gy, gx);
        if (f32(x)) {
            ConvKernels.maxPool2d(f(x), g, null, f(gy), f(gx));
        } else {
            ReferenceKernels.maxPool2d(d(x), g, null, d(gy), d(gx));
        }
    }

    @Override
    public void avgPool2d(Storage x, ConvGeometry g, Storage out) {
        sameDType(x, out);
        if (f32(x)) {
            ConvKernels.avgPool2d(f(x), g, f(out), null, null);
        } else {
            ReferenceKernels.avgPool2d(d(x), g, d(out), null, null);
        }
    }

    @Override
    public void avgPool2dBackward(Storage gy, ConvGeometry g, Storage gx) {
        sameDType(gy, gx);
        if (f32(gx)) {
            ConvKernels.avgPool2d(null, g, null, f(gy), f(gx));
        } else {
            ReferenceKernels.avgPool2d(null, g, null, d(gy), d(gx));
        }
    }

    // ---- optimizers --------------------------------------------------------------------------------------------

    @Override
    public void dropout(Storage x, Storage out, long n, double p, double scale, long seed) {
        sameDType(x, out);
        if (f32(x)) {
            float[] xs = f(x);
            float[] o = f(out);
            float sc = (float) scale;
            Parallel.forRange((int) n, 1 << 14, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    o[i] = DropoutHash.uniform(seed, i) < p ? 0f : xs[i] * sc;
                }
            });
        } else {
            double[] xs = d(x);
            double[] o = d(out);
            Parallel.forRange((int) n, 1 << 14, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    o[i] = DropoutHash.uniform(seed, i) < p ? 0.0 : xs[i] * scale;
                }
            });
        }
    }

    @Override
    public void globalNorm(java.util.List<Storage> xs, Storage out) {
        double sum = 0;
        for (Storage x : xs) {
            if (f32(x)) {
                for (float v : f(x)) {
                    sum += (double) v * v;
                }
            } else {
                for (double v : d(x)) {
                    sum += v * v;
                }
            }
        }
        d(OptimizerKernels.requireNorm(out, "globalNorm"))[0] = Math.sqrt(sum);
    }

    @Override
    public void clipToNorm(java.util.List<Storage> xs, Storage norm, double maxNorm) {
        double factor = maxNorm / (d(OptimizerKernels.requireNorm(norm, "clipToNorm"))[0] + 1e-6);
        if (!(factor < 1)) {
            return;
        }
        for (Storage x : xs) {
            axpby(x, factor, null, 0, x.numel());
        }
    }

    @Override
    public void adamUpdate(java.util.List<AdamTensors> tensors, Storage step, double beta1, double beta2, double eps,
                           double weightDecay, boolean decoupled) {
        OptimizerKernels.requireAdamStep(step);
        double lr = d(step)[0];
        long t = (long) d(step)[1];
        for (AdamTensors a : tensors) {
            sameDType(a.param(), a.grad(), a.m(), a.v());
            int n = (int) a.param().numel();
            if (f32(a.param())) {
                VectorKernels.adamUpdate(f(a.param()), f(a.grad()), f(a.m()), f(a.v()), n, lr, beta1, beta2, eps,
                        weightDecay, decoupled, t);
            } else {
                ReferenceKernels.adamUpdate(d(a.param()), d(a.grad()), d(a.m()), d(a.v()), n, lr, beta1, beta2, eps,
                        weightDecay, decoupled, t);
            }
        }
    }
}

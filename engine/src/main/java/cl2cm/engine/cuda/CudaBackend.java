package cl2cm.engine.cuda;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.OptimizerKernels.AdamTensors;
import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.ConvGeometry;
import cl2cm.engine.backend.MatOperand;
import cl2cm.engine.backend.MemoryStats;
import cl2cm.engine.backend.ReduceOp;
import cl2cm.engine.backend.UnaryOp;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import cl2cm.engine.tensor.TensorScope;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import static cl2cm.engine.cuda.KernelLauncher.optional;
import static cl2cm.engine.cuda.KernelLauncher.ptr;
import static cl2cm.engine.cuda.KernelLauncher.rowMajorStrides;
import static cl2cm.engine.cuda.KernelLauncher.same;
import static cl2cm.engine.cuda.KernelLauncher.view;

/**
 * The CUDA backend: the {@link Backend} primitives as CUDA kernels (engine/src/main/cuda/kernels.cu, shipped as
 * PTX and loaded with the driver API) and GEMM through cuBLAS (JCublas2). Float32 and float64 both work; models
 * train in float32, and {@link #setPrecision} lets GEMMs use TF32 tensor cores.
 *
 * <p>All work goes to one stream in order, so the host never waits except where a value must reach it (reading a
 * tensor, e.g. a logged loss). Host data (token ids, masks, gathered row indices) goes up through a pinned staging
 * ring ({@link HostStaging}) without waiting either. Errors from a kernel surface at the next wait; run with
 * {@code CUDA_LAUNCH_BLOCKING=1} to have them name the failing op.
 *
 * <p>This class sets the device up and implements each primitive; the jobs behind them have classes of their own:
 * {@link Kernels} (one typed launch method per kernel of kernels.cu) and {@link KernelLauncher} (checking, packing
 * and launching them, profiling hooks),
 * {@link CublasProducts} (cuBLAS and cuBLASLt GEMMs), {@link MultiTensorKernels} (norm, clipping and AdamW over all
 * parameters at once), {@link DeviceAllocator} (memory), {@link HostStaging} (uploads) and {@link CudaGraphStep}
 * (recorded steps). It stays near 800 lines because it is the one place that maps each of the ~40 {@code Backend}
 * methods onto its kernel, which reads best as one table.
 */
public final class CudaBackend implements Backend {
    /** GEMM arithmetic: plain float32, or TF32 tensor cores (10-bit mantissa inputs, float32 accumulation). */
    public enum Precision { FP32, TF32 }

    private static volatile CudaBackend instance;
    private static String unavailable;

    private final String deviceName;
    private final CUcontext context;
    private final CUmodule module = new CUmodule();
    private final KernelLauncher launcher;
    private final Kernels kernels;
    private final CUstream stream = new CUstream();
    private final CublasProducts products;
    private final MultiTensorKernels multiTensor;
    private final DeviceAllocator allocator = new DeviceAllocator();
    private final HostStaging staging;
    private final ThreadLocal<Boolean> contextCurrent = ThreadLocal.withInitial(() -> false);
    private Precision precision = Precision.FP32;
    private volatile boolean capturing;
    /** One int64 the dropout kernel mixes into its seed: 0, except while a recorded graph replays. */
    private final DeviceAllocator.Block dropoutSalt;

    private CudaBackend() {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] == 0) {
            throw new CudaError("no CUDA device found");
        }
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        deviceName = new String(name, 0, indexOfZero(name));
        context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        ensureContext();
        byte[] ptxImage = readPtx();
        JCudaDriver.cuModuleLoadData(module, ptxImage);
        JCudaDriver.cuStreamCreate(stream, 0);
        launcher = new KernelLauncher(module, stream, PtxSignatures.parse(new String(ptxImage, 0, ptxImage.length - 1,
                java.nio.charset.StandardCharsets.US_ASCII)));
        kernels = new Kernels(launcher);
        staging = new HostStaging(stream);
        products = new CublasProducts(this, launcher, kernels, allocator, stream);
        multiTensor = new MultiTensorKernels(this, kernels, allocator);
        dropoutSalt = allocator.allocate(8, "the dropout salt");
        JCudaDriver.cuMemsetD32Async(dropoutSalt.ptr(), 0, 2, stream);
    }

    /** The backend for GPU 0, started on first use; throws a {@link CudaError} saying why when there is none. */
    public static CudaBackend instance() {
        CudaBackend b = instance;
        if (b == null) {
            synchronized (CudaBackend.class) {
                if (instance == null) {
                    if (unavailable != null) {
                        throw new CudaError("CUDA is not available: " + unavailable);
                    }
                    try {
                        instance = new CudaBackend();
                    } catch (CudaException | UnsatisfiedLinkError | CudaError e) {
                        unavailable = summarize(e);
                        throw new CudaError("CUDA is not available: " + unavailable, e);
                    }
                }
                b = instance;
            }
        }
        b.ensureContext();
        return b;
    }

    /** One line saying why initialisation failed (JCuda's native-loading errors span dozens of lines). */
    private static String summarize(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("libcuda.so.1")) {
            return "the NVIDIA driver library libcuda.so.1 is not installed on this machine";
        }
        if (m.contains("CUDA_ERROR_NO_DEVICE") || m.contains("no CUDA device")) {
            return "no CUDA device found";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Null when a GPU can be used here, otherwise the reason it cannot (for tests that skip). */
    public static String unavailableReason() {
        try {
            instance();
            return null;
        } catch (CudaError e) {
            return e.getMessage();
        }
    }

    private void ensureContext() {
        if (!contextCurrent.get()) {
            JCudaDriver.cuCtxSetCurrent(context);
            contextCurrent.set(true);
        }
    }

    private static int indexOfZero(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    private static byte[] readPtx() {
        try (InputStream in = CudaBackend.class.getResourceAsStream("kernels.ptx")) {
            if (in == null) {
                throw new CudaError("kernels.ptx is missing from the engine jar (run tools/cuda/build-ptx.sh)");
            }
            byte[] ptx = in.readAllBytes();
            return Arrays.copyOf(ptx, ptx.length + 1); // cuModuleLoadData wants a NUL-terminated image
        } catch (IOException e) {
            throw new CudaError("cannot read kernels.ptx", e);
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    public String deviceName() {
        return deviceName;
    }

    public void setPrecision(Precision p) {
        this.precision = p;
        products.setTf32(p == Precision.TF32);
    }

    public Precision precision() {
        return precision;
    }

    /** Waits for all queued work (for timing). */
    public void synchronize() {
        refuseWhileRecording("waiting for the GPU");
        JCudaDriver.cuStreamSynchronize(stream);
    }

    private void refuseWhileRecording(String what) {
        if (capturing) {
            throw new IllegalStateException(what + " inside a step being recorded as a CUDA graph: nothing has run "
                    + "yet; read results after ReplayableStep.run()");
        }
    }

    // ---- recorded steps (CUDA graphs) --------------------------------------------------------------------------

    @Override
    public cl2cm.engine.backend.ReplayableStep replayable(String name,
                                                          java.util.function.Supplier<cl2cm.engine.tensor.Tensor> body) {
        return new CudaGraphStep(this, name, body);
    }

    @Override
    public boolean recordsSteps() {
        return true;
    }

    @Override
    public boolean isCapturing() {
        return capturing;
    }

    /** Starts recording the stream's work into a graph: allocations and uploads go to the graph's own pool. */
    DeviceAllocator.Pool beginRecording() {
        if (launcher.profiler != null) {
            throw new IllegalStateException("cannot record a CUDA graph while profiling kernels");
        }
        synchronize();
        DeviceAllocator.Pool pool = allocator.beginPrivatePool();
        staging.beginRecording();
        capturing = true;
        JCudaDriver.cuStreamBeginCapture(stream, jcuda.driver.CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED);
        return pool;
    }

    /** Ends the recording into {@code graph}; after a {@code failed} body,
            errors of the aborted capture are ignored. */
    HostStaging.Recorded endRecording(jcuda.driver.CUgraph graph, boolean failed) {
        capturing = false;
        try {
            JCudaDriver.cuStreamEndCapture(stream, graph);
        } catch (CudaException e) {
            if (!failed) {
                throw new CudaError("recording the CUDA graph failed: " + e.getMessage(), e);
            }
        } finally {
            allocator.endPrivatePool();
        }
        return staging.endRecording();
    }

    /**
     * Launches a recorded graph with {@code salt} (its own replay number, from 1) mixed into its dropout masks: fresh
     * masks every replay, and the same ones for the same seed and step whatever ran before in this process.
     */
    void launchGraph(jcuda.driver.CUgraphExec exec, long salt) {
        staging.upload(dropoutSalt.ptr(), 8, b -> b.putLong(0, salt));
        JCudaDriver.cuGraphLaunch(exec, stream);
        staging.upload(dropoutSalt.ptr(), 8, b -> b.putLong(0, 0L));
    }

    void retire(DeviceAllocator.Pool pool) {
        allocator.retire(pool);
    }

    CUstream stream() {
        return stream;
    }

    @Override
    public MemoryStats memoryStats() {
        return allocator.stats();
    }

    @Override
    public void resetPeakMemory() {
        allocator.resetPeak();
    }

    /** Starts timing every kernel and cuBLAS call on the GPU (see {@link KernelProfiler}). */
    public void startProfiling() {
        synchronize();
        launcher.profiler = new KernelProfiler(stream);
    }

    /** Stops profiling and returns the GPU time per kernel since {@link #startProfiling()}. */
    public KernelProfiler.Report stopProfiling() {
        if (launcher.profiler == null) {
            throw new IllegalStateException("stopProfiling() without startProfiling()");
        }
        KernelProfiler.Report r = launcher.profiler.finish();
        launcher.profiler = null;
        return r;
    }

    // ---- memory ------------------------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, long numel) {
        CudaStorage s = newStorage(dtype, numel);
        if (numel > 0) {
            JCudaDriver.cuMemsetD32Async(s.at(0), 0, numel * dtype.bytes() / 4, stream);
        }
        return s;
    }

    @Override
    public Storage allocateUninitialized(DType dtype, long numel) {
        return newStorage(dtype, numel);
    }

    /** Uninitialised storage, for kernel outputs that write every element. */
    CudaStorage newStorage(DType dtype, long numel) {
        CudaStorage s = new CudaStorage(dtype, numel, allocator);
        TensorScope.register(s);
        return s;
    }

    @Override
    public Storage fromDoubles(DType dtype, double[] data) {
        CudaStorage s = newStorage(dtype, data.length);
        if (dtype == DType.F64) {
            upload(s.at(0), data.length * 8L, b -> b.asDoubleBuffer().put(data), () -> Pointer.to(data));
        } else {
            upload(s.at(0), data.length * 4L, b -> {
                java.nio.FloatBuffer f = b.asFloatBuffer();
                for (double v : data) {
                    f.put((float) v);
                }
            }, () -> {
                float[] f = new float[data.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) data[i];
                }
                return Pointer.to(f);
            });
        }
        return s;
    }

    @Override
    public Storage fromFloats(float[] data) {
        CudaStorage s = newStorage(DType.F32, data.length);
        upload(s.at(0), data.length * 4L, b -> b.asFloatBuffer().put(data), () -> Pointer.to(data));
        return s;
    }

    /**
     * Host to device without waiting for queued work: small payloads go through the pinned staging ring; larger ones
     * (over its 64 MiB) are copied synchronously from the Java array.
     */
    void upload(CUdeviceptr dst, long bytes, HostStaging.Payload staged,
                        java.util.function.Supplier<Pointer> direct) {
        if (bytes == 0) {
            return;
        }
        if (bytes <= HostStaging.capacity()) {
            staging.upload(dst, bytes, staged);
        } else {
            JCudaDriver.cuMemcpyHtoD(dst, direct.get(), bytes);
        }
    }

    /** A contiguous copy of a view (the view itself when it already is one). */
    private View contiguous(View v) {
        if (v.isContiguous()) {
            return v;
        }
        CudaStorage tmp = newStorage(v.storage().dtype(), v.numel());
        View dst = new View(tmp, v.shape(), rowMajorStrides(v.shape()), 0);
        copy(v, dst);
        return dst;
    }

    @Override
    public double[] toDoubles(View v) {
        refuseWhileRecording("reading a tensor on the host");
        View c = contiguous(v);
        int n = (int) c.numel();
        double[] out = new double[n];
        CudaStorage s = CudaStorage.of(c.storage());
        if (n == 0) {
            return out;
        }
        if (s.dtype() == DType.F64) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(out), s.at(c.offset()), n * 8L);
        } else {
            float[] f = new float[n];
            JCudaDriver.cuMemcpyDtoH(Pointer.to(f), s.at(c.offset()), n * 4L);
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        }
        releaseIfTemp(v, c);
        return out;
    }

    @Override
    public float[] toFloats(View v) {
        if (v.storage().dtype() != DType.F32) {
            double[] d = toDoubles(v);
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        refuseWhileRecording("reading a tensor on the host");
        View c = contiguous(v);
        float[] f = new float[(int) c.numel()];
        if (f.length > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(f), CudaStorage.of(c.storage()).at(c.offset()), f.length * 4L);
        }
        releaseIfTemp(v, c);
        return f;
    }

    private static void releaseIfTemp(View original, View used) {
        if (used != original) {
            used.storage().release();
        }
    }

    @Override
    public void copy(View src, View dst) {
        if (!Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException("copy between shapes " + Arrays.toString(src.shape()) + " and "
                    + Arrays.toString(dst.shape()));
        }
        long n = dst.numel();
        if (n == 0) {
            return;
        }
        CudaStorage s = CudaStorage.of(src.storage());
        CudaStorage d = CudaStorage.of(dst.storage());
        if (s.dtype() == d.dtype() && src.isContiguous() && dst.isContiguous()) {
            JCudaDriver.cuMemcpyDtoDAsync(d.at(dst.offset()), s.at(src.offset()), n * s.dtype().bytes(), stream);
            return;
        }
        View[] v = View.coalesce(src, dst);
        if (launcher.profiler != null) {   // copies come from many places: the layout says which
            launcher.profileDetail = Arrays.toString(v[1].shape()) + " from strides " + Arrays.toString(v[0].strides());
        }
        kernels.copy(s.dtype(), d.dtype(), s.at(0), v[0], d.at(0), v[1], n);
    }

    @Override
    public void fill(View dst, double value) {
        long n = dst.numel();
        if (n > 0) {
            DType t = dst.storage().dtype();
            kernels.fill(t, CudaStorage.of(dst.storage()).at(0), View.coalesce(dst)[0], value, n);
        }
    }

    // ---- pointwise ---------------------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, double p, double q, Storage x, Storage out, long n) {
        DType t = same("unary " + op, x, out);
        if (n > 0) {
            kernels.unary(t, op, p, q, ptr(x), ptr(out), n);
        }
    }

    @Override
    public void binary(BinaryOp op, View a, View b, Storage out) {
        DType t = same("binary " + op, a.storage(), b.storage(), out);
        long n = a.numel();
        if (n > 0) {
            View[] v = View.coalesce(a, b);
            kernels.binary(t, op, ptr(a.storage()), v[0], ptr(b.storage()), v[1], ptr(out), n,
                    a.isContiguous() && b.isContiguous());
        }
    }

    @Override
    public void where(View cond, View a, View b, Storage out) {
        DType t = same("where", cond.storage(), a.storage(), b.storage(), out);
        long n = a.numel();
        if (n > 0) {
            View[] v = View.coalesce(cond, a, b);
            kernels.where(t, ptr(cond.storage()), v[0], ptr(a.storage()), v[1], ptr(b.storage()), v[2], ptr(out), n);
        }
    }

    @Override
    public void axpby(Storage dst, double a, Storage src, double b, long n) {
        DType t = src == null ? dst.dtype() : same("axpby", dst, src);
        if (n > 0) {
            kernels.axpby(t, ptr(dst), a, src == null ? null : ptr(src), b, n);
        }
    }

    // ---- reductions --------------------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out) {
        DType t = same("reduce " + op, x, out);
        long outputs = (long) outer * inner;
        if (outputs == 0) {
            return;
        }
        if (len == 0) {
            fill(new View(out, new int[]{(int) outputs}, new int[]{1}, 0),
                    op == ReduceOp.SUM ? 0 : Double.NEGATIVE_INFINITY);
            return;
        }
        int code = op == ReduceOp.SUM ? 0 : 1;
        if (inner != 1 && len >= 64) {
            kernels.reduceColumns(t, code, ptr(x), outer, len, inner, ptr(out));
        } else {
            kernels.reduce(t, code, ptr(x), outer, len, inner, ptr(out));
        }
    }

    // ---- linear algebra (cuBLAS, cuBLASLt: CublasProducts) ----------------------------------------------------

    @Override
    public void gemm(int batch, int m, int n, int k, double alpha, MatOperand a, MatOperand b, double beta, Storage c,
                     long cOffset) {
        products.gemm(batch, m, n, k, alpha, a, b, beta, c, cOffset);
    }

    @Override
    public void gemmBias(int m, int n, int k, MatOperand a, MatOperand b, Storage bias, long biasOffset, Storage c) {
        if (!products.gemmBias(m, n, k, a, b, bias, biasOffset, c)) {
            Backend.super.gemmBias(m, n, k, a, b, bias, biasOffset, c);
        }
    }

    /** Why GEMMs with a bias take the plain cuBLAS route (cuBLASLt could not be loaded), or null. */
    public String cublasLtUnavailableReason() {
        return products.ltUnavailableReason();
    }

    // ---- fused row kernels -------------------------------------------------------------------------------------

    @Override
    public void softmax(Storage x, Storage out, int rows, int cols, boolean log) {
        DType t = same("softmax", x, out);
        if ((long) rows * cols > 0) {
            kernels.softmax(t, ptr(x), ptr(out), rows, cols, log);
        }
    }

    @Override
    public void softmaxBackward(Storage y, Storage gy, Storage gx, int rows, int cols, boolean log) {
        DType t = same("softmax backward", y, gy, gx);
        if ((long) rows * cols > 0) {
            kernels.softmaxBackward(t, ptr(y), ptr(gy), ptr(gx), rows, cols, log);
        }
    }

    @Override
    public void layerNorm(Storage x, Storage gamma, Storage beta, Storage out, Storage mean, Storage rstd, int rows,
                          int cols, double eps) {
        DType t = same("layer norm", x, out, mean, rstd);
        if ((long) rows * cols > 0) {
            kernels.layerNorm(t, ptr(x), optional(gamma), optional(beta), ptr(out), ptr(mean), ptr(rstd), rows, cols,
                    eps);
        }
    }

    @Override
    public void batchNorm(Storage x, Storage gamma, Storage beta, Storage out, Storage mean, Storage rstd, int n, int c,
                          int s, double eps) {
        DType t = same("batch norm", x, gamma, beta, out, mean, rstd);
        if ((long) n * c * s > 0) {
            kernels.batchNorm(t, ptr(x), optional(gamma), optional(beta), ptr(out), ptr(mean), ptr(rstd), n, c, s, eps);
        }
    }

    @Override
    public void batchNormBackward(Storage x, Storage gamma, Storage mean, Storage rstd, Storage gy, Storage gx,
                                  Storage ggamma, Storage gbeta, int n, int c, int s) {
        DType t = same("batch norm backward", x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        if ((long) n * c * s > 0) {
            kernels.batchNormBackward(t, ptr(x), optional(gamma), ptr(mean), ptr(rstd), ptr(gy), ptr(gx),
                    optional(ggamma), optional(gbeta), n, c, s);
        }
    }

    @Override
    public void layerNormBackward(Storage x, Storage gamma, Storage mean, Storage rstd, Storage gy, Storage gx,
                                  Storage ggamma, Storage gbeta, int rows, int cols) {
        DType t = same("layer norm backward", x, mean, rstd, gy, gx);
        if ((long) rows * cols == 0) {
            return;
        }
        kernels.layerNormBackwardX(t, ptr(x), optional(gamma), ptr(mean), ptr(rstd), ptr(gy), ptr(gx), rows, cols);
        if (ggamma != null || gbeta != null) {
            kernels.layerNormBackwardParams(t, ptr(x), ptr(mean), ptr(rstd), ptr(gy), optional(ggamma), optional(gbeta),
                    rows, cols);
        }
    }

    // ---- indexing ----------------------------------------------------------------------------------------------

    @Override
    public void gatherRows(Storage table, int tableRows, int cols, int[] idx, Storage out) {
        DType t = same("gather rows", table, out);
        if ((long) idx.length * cols == 0) {
            checkRows("gather rows", idx, tableRows);
            return;
        }
        DeviceAllocator.Block ids = uploadRows("gather rows", idx, tableRows);
        try {
            kernels.gatherRows(t, ptr(table), cols, ids.ptr(), idx.length, ptr(out));
        } finally {
            allocator.release(ids);
        }
    }

    @Override
    public void scatterAddRows(Storage src, int cols, int[] idx, int skip, Storage table, int tableRows) {
        DType t = same("scatter-add rows", src, table);
        if ((long) idx.length * cols == 0) {
            checkRows("scatter-add rows", idx, tableRows);
            return;
        }
        DeviceAllocator.Block ids = uploadRows("scatter-add rows", idx, tableRows);
        try {
            kernels.scatterAddRows(t, ptr(src), cols, ids.ptr(), idx.length, skip, ptr(table));
        } finally {
            allocator.release(ids);
        }
    }

    private static void checkRows(String op, int[] idx, int rows) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= rows) {
                throw new IndexOutOfBoundsException(op + ": index " + idx[i] + " at position " + i + " is outside [0, "
                        + rows + ")");
            }
        }
    }

    /** Uploads row indices, checked as they are written (again before each replay of a recorded graph). */
    private DeviceAllocator.Block uploadRows(String op, int[] v, int rows) {
        DeviceAllocator.Block b = allocator.allocate(v.length * 4L, "row indices");
        upload(b.ptr(), v.length * 4L, buf -> {
            checkRows(op, v, rows);
            buf.asIntBuffer().put(v);
        }, () -> {
            checkRows(op, v, rows);
            return Pointer.to(v);
        });
        return b;
    }

    // ---- convolution and pooling -------------------------------------------------------------------------------

    @Override
    public void im2col(Storage x, ConvGeometry g, Storage cols) {
        DType t = same("im2col", x, cols);
        kernels.im2col(t, ptr(x), g, ptr(cols));
    }

    @Override
    public void col2im(Storage cols, ConvGeometry g, Storage x) {
        DType t = same("col2im", cols, x);
        kernels.col2im(t, ptr(cols), g, ptr(x));
    }

    @Override
    public void maxPool2d(Storage x, ConvGeometry g, Storage out) {
        DType t = same("max pool", x, out);
        kernels.maxPool(t, ptr(x), g, ptr(out));
    }

    @Override
    public void maxPool2dBackward(Storage x, Storage gy, ConvGeometry g, Storage gx) {
        DType t = same("max pool backward", x, gy, gx);
        fill(new View(gx, new int[]{(int) gx.numel()}, new int[]{1}, 0), 0);
        kernels.maxPoolBackward(t, ptr(x), ptr(gy), g, ptr(gx));
    }

    @Override
    public void avgPool2d(Storage x, ConvGeometry g, Storage out) {
        DType t = same("avg pool", x, out);
        kernels.avgPool(t, ptr(x), g, ptr(out));
    }

    @Override
    public void avgPool2dBackward(Storage gy, ConvGeometry g, Storage gx) {
        DType t = same("avg pool backward", gy, gx);
        kernels.avgPoolBackward(t, ptr(gy), g, ptr(gx));
    }

    // ---- random ------------------------------------------------------------------------------------------------

    @Override
    public void dropout(Storage x, Storage out, long n, double p, double scale, long seed) {
        DType t = same("dropout", x, out);
        if (n > 0) {
            kernels.dropout(t, ptr(x), ptr(out), n, p, scale, seed, dropoutSalt.ptr());
        }
    }

    // ---- attention ---------------------------------------------------------------------------------------------

    /** Shared memory a block may use without opting in to more (every GPU since Kepler). */
    private static final int SHARED_BYTES = 48 << 10;

    private static long attentionSharedBytes(DType t, int tq, int tk, int hd, boolean backward) {
        long elements = (backward ? 2L : 1L) * tq * hd + 2L * tk * (hd + 1) + (backward ? 2L : 1L) * tq * tk;
        return elements * t.bytes();
    }

    /** Sequences short enough for one block per (batch entry, head) to hold q, k, v and the scores in shared memory. */
    @Override
    public boolean fusesAttention(DType t, int tq, int tk, int headSize) {
        return tq > 0 && tk > 0 && headSize > 0 && attentionSharedBytes(t, tq, tk, headSize, true) <= SHARED_BYTES;
    }

    @Override
    public void attention(Storage q, Storage k, Storage v, Storage maskBias, Storage lse, Storage out, int batch,
                          int heads, int tq, int tk, int headSize, double scale, double p, long seed) {
        DType t = same("attention", q, k, v, lse, out);
        requireFused(t, tq, tk, headSize);
        kernels.attention(t, batch, (int) attentionSharedBytes(t, tq, tk, headSize, false), ptr(q), ptr(k), ptr(v),
                optional(maskBias), ptr(lse), ptr(out), heads, tq, tk, headSize, scale, p, seed, dropoutSalt.ptr());
    }

    @Override
    public void attentionBackward(Storage q, Storage k, Storage v, Storage maskBias, Storage lse, Storage gOut,
                                  Storage gq, Storage gk, Storage gv, int batch, int heads, int tq, int tk,
                                  int headSize, double scale, double p, long seed) {
        DType t = same("attention backward", q, k, v, lse, gOut, gq, gk, gv);
        requireFused(t, tq, tk, headSize);
        kernels.attentionBackward(t, batch, (int) attentionSharedBytes(t, tq, tk, headSize, true), ptr(q), ptr(k),
                ptr(v), optional(maskBias), ptr(lse), ptr(gOut), ptr(gq), ptr(gk), ptr(gv), heads, tq, tk, headSize,
                scale, p, seed, dropoutSalt.ptr());
    }

    private void requireFused(DType t, int tq, int tk, int headSize) {
        if (!fusesAttention(t, tq, tk, headSize)) {
            throw new IllegalArgumentException("fused attention needs q, k, v and the scores of one head in shared "
                    + "memory: Tq " + tq + ", Tk " + tk + ", head size " + headSize + " " + t + " need "
                    + attentionSharedBytes(t, tq, tk, headSize, true) + " bytes, more than " + SHARED_BYTES);
        }
    }

    // ---- multi-tensor ops and optimizers (MultiTensorKernels) ----------------------------------------------------

    @Override
    public void globalNorm(List<Storage> xs, Storage out) {
        multiTensor.globalNorm(xs, out);
    }

    @Override
    public void clipToNorm(List<Storage> xs, Storage norm, double maxNorm) {
        multiTensor.clipToNorm(xs, norm, maxNorm);
    }

    @Override
    public void adamUpdate(List<AdamTensors> tensors, Storage step, double beta1, double beta2, double eps,
                           double weightDecay, boolean decoupled) {
        multiTensor.adamUpdate(tensors, step, beta1, beta2, eps, weightDecay, decoupled);
    }
}

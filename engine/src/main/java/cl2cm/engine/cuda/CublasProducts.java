package cl2cm.engine.cuda;

import cl2cm.engine.backend.MatOperand;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;

import static cl2cm.engine.cuda.KernelLauncher.rowMajorStrides;
import static cl2cm.engine.cuda.KernelLauncher.same;

/**
 * The CUDA backend's matrix products: batched GEMMs through cuBLAS (JCublas2, made to load on CUDA 13 by
 * {@link CublasLibrary}) and a Linear's GEMM with its bias added in cuBLASLt's epilogue ({@link CublasLt}). Row-major
 * C = A B is computed as column-major C^T = B^T A^T; {@link ColumnMajor} describes an operand as cuBLAS sees it.
 */
final class CublasProducts {
    private static final long CUBLAS_WORKSPACE = 32L << 20;

    private final CudaBackend be;
    private final KernelLauncher launcher;
    private final Kernels kernels;
    private final DeviceAllocator allocator;
    private final cublasHandle cublas = new cublasHandle();
    private final CublasLt lt;             // null when cuBLASLt cannot be loaded (ltUnavailable says why)
    private final String ltUnavailable;

    CublasProducts(CudaBackend be, KernelLauncher launcher, Kernels kernels, DeviceAllocator allocator, CUstream stream) {
        this.be = be;
        this.launcher = launcher;
        this.kernels = kernels;
        this.allocator = allocator;
        CublasLibrary.prepare();
        JCublas2.setExceptionsEnabled(true);
        JCublas2.cublasCreate(cublas);
        JCublas2.cublasSetStream(cublas, new cudaStream_t(stream));
        // A workspace of our own: cuBLAS must not allocate one while a graph is being recorded.
        DeviceAllocator.Block workspace = allocator.allocate(CUBLAS_WORKSPACE, "the cuBLAS workspace");
        JCublas2.cublasSetWorkspace(cublas, workspace.ptr(), CUBLAS_WORKSPACE);
        // cuBLASLt shares it: both run on the one stream, never at the same time.
        String[] why = new String[1];
        lt = CublasLt.open(DeviceAddress.of(stream), DeviceAddress.of(workspace.ptr()), CUBLAS_WORKSPACE, why);
        ltUnavailable = why[0];
    }

    void gemm(int batch, int m, int n, int k, double alpha, MatOperand a, MatOperand b, double beta, Storage c,
                     long cOffset) {
        DType t = same("gemm", a.storage(), b.storage(), c);
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        if (k == 0) { // C = beta * C
            long len = (long) batch * m * n;
            kernels.axpby(t, CudaStorage.of(c).at(cOffset), beta, null, 0, len);
            return;
        }
        // Row-major C = A B is column-major C^T = B^T A^T: cuBLAS gets B first, then A.
        ColumnMajor bm = ColumnMajor.of(be, b, batch, k, n);
        ColumnMajor am = ColumnMajor.of(be, a, batch, m, k);
        DeviceAllocator.Block pointers = null;
        try {
            CUdeviceptr cp = CudaStorage.of(c).at(cOffset);
            if (launcher.profiler != null) {
                launcher.profiler.begin("cublas gemm " + (batch > 1 ? batch + " x " : "") + m + "x" + n + "x" + k
                        + (be.precision() == CudaBackend.Precision.TF32 && t == DType.F32 ? " tf32" : ""));
            }
            if (am.evenlySpaced(batch) && bm.evenlySpaced(batch)) {
                if (t == DType.F32) {
                    JCublas2.cublasSgemmStridedBatched(cublas, bm.op, am.op, n, m, k,
                            Pointer.to(new float[]{(float) alpha}), bm.ptr, bm.ld, bm.batchStride, am.ptr, am.ld,
                            am.batchStride, Pointer.to(new float[]{(float) beta}), cp, n, (long) m * n, batch);
                } else {
                    JCublas2.cublasDgemmStridedBatched(cublas, bm.op, am.op, n, m, k, Pointer.to(new double[]{alpha}),
                            bm.ptr, bm.ld, bm.batchStride, am.ptr, am.ld, am.batchStride,
                                    Pointer.to(new double[]{beta}),
                            cp, n, (long) m * n, batch);
                }
            } else {
                // Two-level batches (attention heads read in place): one pointer per batch entry and operand.
                long[] table = new long[3 * batch];
                long cBase = DeviceAddress.of(cp);
                for (int i = 0; i < batch; i++) {
                    table[i] = bm.address(i);
                    table[batch + i] = am.address(i);
                    table[2 * batch + i] = cBase + (long) i * m * n * t.bytes();
                }
                pointers = allocator.allocate(table.length * 8L, "gemm pointer arrays");
                be.upload(pointers.ptr(), table.length * 8L, buf -> buf.asLongBuffer().put(table),
                        () -> Pointer.to(table));
                CUdeviceptr bp = pointers.ptr();
                CUdeviceptr ap = pointers.ptr().withByteOffset(8L * batch);
                CUdeviceptr cpp = pointers.ptr().withByteOffset(16L * batch);
                if (t == DType.F32) {
                    JCublas2.cublasSgemmBatched(cublas, bm.op, am.op, n, m, k, Pointer.to(new float[]{(float) alpha}),
                            bp, bm.ld, ap, am.ld, Pointer.to(new float[]{(float) beta}), cpp, n, batch);
                } else {
                    JCublas2.cublasDgemmBatched(cublas, bm.op, am.op, n, m, k, Pointer.to(new double[]{alpha}),
                            bp, bm.ld, ap, am.ld, Pointer.to(new double[]{beta}), cpp, n, batch);
                }
            }
            if (launcher.profiler != null) {
                launcher.profiler.end();
            }
        } catch (CudaException e) {
            throw new CudaError("cuBLAS gemm " + batch + " x [" + m + " x " + k + "] [" + k + " x " + n + "] failed: "
                    + e.getMessage(), e);
        } finally {
            bm.releaseCopy();
            am.releaseCopy();
            if (pointers != null) {
                allocator.release(pointers);   // safe at once: later work on the stream runs after the GEMM
            }
        }
    }

    /**
     * C = A B + bias with the bias added by cuBLASLt's epilogue (float32): one pass over C instead of a broadcast
     * copy of the bias followed by a GEMM that reads C back (beta = 1). Returns false where it does not apply (no
     * cuBLASLt, float64, empty sizes, an unsupported layout): the caller then takes the plain route.
     */
    boolean gemmBias(int m, int n, int k, MatOperand a, MatOperand b, Storage bias, long biasOffset, Storage c) {
        DType t = same("gemm + bias", a.storage(), b.storage(), bias, c);
        if (lt == null || t != DType.F32 || m == 0 || n == 0 || k == 0) {
            return false;
        }
        // Row-major C [m, n] is column-major C^T [n, m] = B^T A^T, bias one value per row of C^T.
        ColumnMajor bm = ColumnMajor.of(be, b, 1, k, n);
        ColumnMajor am = ColumnMajor.of(be, a, 1, m, k);
        try {
            if (launcher.profiler != null) {
                launcher.profiler.begin("cublasLt gemm+bias " + m + "x" + n + "x" + k
                        + (be.precision() == CudaBackend.Precision.TF32 ? " tf32" : ""));
            }
            boolean done = lt.matmulBias(be.precision() == CudaBackend.Precision.TF32, bm.op, bm.ld,
                    DeviceAddress.of(bm.ptr), am.op,
                    am.ld, DeviceAddress.of(am.ptr), n, m, k, DeviceAddress.of(CudaStorage.of(bias).at(biasOffset)),
                    DeviceAddress.of(CudaStorage.of(c).at(0)));
            if (launcher.profiler != null) {
                launcher.profiler.end();
            }
            return done;
        } finally {
            bm.releaseCopy();
            am.releaseCopy();
        }
    }

    /** Lets cuBLAS use TF32 tensor cores for float32 products (or not). */
    void setTf32(boolean on) {
        JCublas2.cublasSetMathMode(cublas, on ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH);
    }

    /** Why GEMMs with a bias take the plain cuBLAS route (cuBLASLt could not be loaded), or null. */
    String ltUnavailableReason() {
        return ltUnavailable;
    }

    /**
     * An operand X (logically rows x cols per batch entry, row-major strides) described as cuBLAS sees X^T in
     * column-major order: no transpose with ld = rowStride when columns are unit-stride, a transpose with
     * ld = colStride when rows are; anything else is first copied to a contiguous buffer.
     */
    private static final class ColumnMajor {
        int op;
        int ld;
        long batchStride;
        int innerBatch = Integer.MAX_VALUE;
        long outerBatchStride;
        int elementBytes;
        long base;   // ptr's numeric address, once needed
        CUdeviceptr ptr;
        CudaStorage copy;

        static ColumnMajor of(CudaBackend be, MatOperand x, int batch, int rows, int cols) {
            ColumnMajor r = new ColumnMajor();
            long rs = x.rowStride();
            long cs = x.colStride();
            r.elementBytes = x.storage().dtype().bytes();
            if ((cs == 1 || cols == 1) && (rows == 1 || rs >= cols)) {
                r.op = cublasOperation.CUBLAS_OP_N;
                r.ld = (int) (rows == 1 ? Math.max(1, cols) : rs);
                r.inPlace(x);
            } else if ((rs == 1 || rows == 1) && (cols == 1 || cs >= rows)) {
                r.op = cublasOperation.CUBLAS_OP_T;
                r.ld = (int) (cols == 1 ? Math.max(1, rows) : cs);
                r.inPlace(x);
            } else {
                int inner = Math.min(x.innerBatch(), batch);
                int outer = batch / inner;
                boolean shared = x.batchStride() == 0 && (outer == 1 || x.outerBatchStride() == 0);
                View src = shared
                        ? new View(x.storage(), new int[]{1, rows, cols}, new int[]{0, (int) rs, (int) cs}, x.offset())
                        : new View(x.storage(), new int[]{outer, inner, rows, cols},
                        new int[]{(int) x.outerBatchStride(), (int) x.batchStride(), (int) rs, (int) cs}, x.offset());
                r.copy = be.newStorage(x.storage().dtype(), src.numel());
                be.copy(src, new View(r.copy, src.shape(), rowMajorStrides(src.shape()), 0));
                r.op = cublasOperation.CUBLAS_OP_N;
                r.ld = cols;
                r.ptr = r.copy.at(0);
                r.batchStride = shared ? 0 : (long) rows * cols;
            }
            if (rs > Integer.MAX_VALUE || cs > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("gemm operand strides exceed int range: " + rs + ", " + cs);
            }
            return r;
        }

        private void inPlace(MatOperand x) {
            ptr = CudaStorage.of(x.storage()).at(x.offset());
            batchStride = x.batchStride();
            innerBatch = x.innerBatch();
            outerBatchStride = x.outerBatchStride();
        }

        boolean evenlySpaced(int batch) {
            return batch <= innerBatch || outerBatchStride == (long) innerBatch * batchStride;
        }

        /** Device address of batch entry i. */
        long address(int i) {
            if (base == 0) {
                base = DeviceAddress.of(ptr);
            }
            return base + elementBytes * ((long) (i / innerBatch) * outerBatchStride + (long) (i % innerBatch) * batchStride);
        }

        void releaseCopy() {
            if (copy != null) {
                copy.release(); // safe at once: later kernels on the same stream run after the GEMM
            }
        }
    }
}

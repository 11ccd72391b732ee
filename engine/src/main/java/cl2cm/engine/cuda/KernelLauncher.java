package cl2cm.engine.cuda;

import cl2cm.engine.backend.ConvGeometry;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the kernels of {@code engine/src/main/cuda/kernels.cu} (loaded from PTX into one module) on the backend's
 * stream: each launch's arguments checked against the kernel's PTX parameters ({@link PtxSignatures}), packed as the
 * driver API wants them (device pointers, scalars of the tensor's dtype, the View and Conv structs whose byte layout
 * kernels.cu mirrors), and reported to the kernel profiler while one runs. Which kernel gets which arguments and
 * grid is {@link Kernels}' job, one typed method per entry point.
 */
final class KernelLauncher implements Kernels.Launch {
    static final int MAX_RANK = 8;

    private final CUmodule module;
    private final CUstream stream;
    private final PtxSignatures signatures;
    private final Map<String, CUfunction> functions = new HashMap<>();
    /** Non-null while profiling. */
    KernelProfiler profiler;
    /** While profiling: what tells the next launch apart from others of its kernel (e.g. a copy's layout). */
    String profileDetail;

    KernelLauncher(CUmodule module, CUstream stream, PtxSignatures signatures) {
        this.module = module;
        this.stream = stream;
        this.signatures = signatures;
    }

    @Override
    public void launch(String kernel, int blocks, int threads, int sharedBytes, Object... args) {
        if (blocks == 0) {
            return;   // nothing to do (a multi-tensor op over empty tensors); CUDA would reject the empty grid
        }
        signatures.check(kernel, args);
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case CUdeviceptr p -> Pointer.to(p);
                case Integer v -> Pointer.to(new int[]{v});
                case Long v -> Pointer.to(new long[]{v});
                case Float v -> Pointer.to(new float[]{v});
                case Double v -> Pointer.to(new double[]{v});
                case byte[] v -> Pointer.to(v);
                default -> throw new IllegalArgumentException("kernel argument of type " + args[i].getClass());
            };
        }
        try {
            if (profiler != null) {
                profiler.begin(profileDetail == null ? kernel : kernel + " " + profileDetail);
                profileDetail = null;
            }
            JCudaDriver.cuLaunchKernel(function(kernel), blocks, 1, 1, threads, 1, 1, sharedBytes, stream,
                    Pointer.to(params), null);
            if (profiler != null) {
                profiler.end();
            }
        } catch (CudaException e) {
            throw new CudaError("CUDA kernel " + kernel + " (" + blocks + " blocks of " + threads + ") failed: "
                    + e.getMessage(), e);
        }
    }

    private CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            JCudaDriver.cuModuleGetFunction(f, module, n);
            return f;
        });
    }

    static CUdeviceptr ptr(Storage s) {
        return CudaStorage.of(s).at(0);
    }

    static CUdeviceptr optional(Storage s) {
        return s == null ? new CUdeviceptr() : ptr(s);
    }

    static Object scalar(DType t, double v) {
        return t == DType.F32 ? (Object) (float) v : (Object) v;
    }

    static String suffix(DType t) {
        return t == DType.F32 ? "f32" : "f64";
    }

    static DType same(String op, Storage... storages) {
        DType t = null;
        for (Storage s : storages) {
            if (s == null) {
                continue;
            }
            CudaStorage.of(s);
            if (t == null) {
                t = s.dtype();
            } else if (t != s.dtype()) {
                throw new IllegalArgumentException(op + ": mixed dtypes " + t + " and " + s.dtype());
            }
        }
        return t;
    }

    /** The kernels' View struct: rank, offset, shape[8], strides[8] as little-endian int64. */
    static byte[] view(View v) {
        if (v.rank() > MAX_RANK) {
            throw new IllegalArgumentException("the CUDA backend supports views of up to " + MAX_RANK + " dimensions, "
                    + "got shape " + Arrays.toString(v.shape()));
        }
        ByteBuffer b = ByteBuffer.allocate(8 * (2 + 2 * MAX_RANK)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(v.rank()).putLong(v.offset());
        for (int i = 0; i < MAX_RANK; i++) {
            b.putLong(i < v.rank() ? v.shape()[i] : 1);
        }
        for (int i = 0; i < MAX_RANK; i++) {
            b.putLong(i < v.rank() ? v.strides()[i] : 0);
        }
        return b.array();
    }

    /** The kernels' Conv struct: ten int32. */
    static byte[] conv(ConvGeometry g) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(g.n()).putInt(g.c()).putInt(g.h()).putInt(g.w()).putInt(g.kh()).putInt(g.kw()).putInt(g.strideH())
                .putInt(g.strideW()).putInt(g.padH()).putInt(g.padW());
        return b.array();
    }

    static int[] rowMajorStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }
}

package cl2cm.engine.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * cuBLASLt, the matrix-product library under cuBLAS, called through {@code java.lang.foreign} (JCuda has no binding
 * for it). It does what plain cuBLAS cannot: a Linear layer's bias added by the GEMM's epilogue, instead of a
 * broadcast copy of the bias into the output before a GEMM with beta = 1 (PyTorch's addmm does the same).
 *
 * <p>Everything is column-major, as in cuBLAS: D [rows x cols] = op(A) op(B) + bias, the bias one value per row of
 * D. A plan (operation and layout descriptors plus the algorithm the heuristic picked) is cached per shape,
 * transposes and pointer alignment, so steady-state calls only set the bias pointer and launch. Unsupported
 * combinations (no algorithm) are remembered and reported as {@code false} so the caller can take another route.
 * Like the cuBLAS handle, the handle and plans live as long as the process.
 */
final class CublasLt {
    private static final String[] LIBRARIES = {"libcublasLt.so.13", "/usr/local/cuda/lib64/libcublasLt.so.13",
            "/usr/local/cuda-13.0/lib64/libcublasLt.so.13", "libcublasLt.so.12", "/usr/local/cuda/lib64/libcublasLt.so.12"};

    // cublasLt.h / cublas_api.h / library_types.h constants.
    private static final int CUDA_R_32F = 0;
    private static final int CUBLAS_COMPUTE_32F = 68;
    private static final int CUBLAS_COMPUTE_32F_FAST_TF32 = 77;
    private static final int DESC_TRANSA = 3;
    private static final int DESC_TRANSB = 4;
    private static final int DESC_EPILOGUE = 7;
    private static final int DESC_BIAS_POINTER = 8;
    private static final int EPILOGUE_BIAS = 4;
    private static final int PREF_MAX_WORKSPACE_BYTES = 1;
    private static final int PREF_MIN_ALIGNMENT_A = 5;   // then B, C, D
    private static final long HEURISTIC_RESULT_BYTES = 96;   // algo (64) + workspaceSize + state + wavesCount + 4 ints
    private static final long ALGO_BYTES = 64;

    private final Arena arena = Arena.global();
    private final MethodHandle matmulDescCreate;
    private final MethodHandle matmulDescSetAttribute;
    private final MethodHandle layoutCreate;
    private final MethodHandle preferenceCreate;
    private final MethodHandle preferenceSetAttribute;
    private final MethodHandle preferenceDestroy;
    private final MethodHandle heuristic;
    private final MethodHandle matmul;
    private final MethodHandle statusString;
    private final MemorySegment handle;
    private final MemorySegment stream;
    private final MemorySegment workspace;
    private final long workspaceBytes;
    private final MemorySegment one;    // alpha and beta (host pointer mode)
    private final MemorySegment zero;
    private final MemorySegment scratch;   // attribute values on their way in
    private final Map<Key, Plan> plans = new HashMap<>();

    /** Shape, transposes, precision and the alignment of each pointer (the heuristic assumes 256 unless told). */
    private record Key(boolean tf32, int opA, int opB, long rows, long cols, long k, long ldA, long ldB,
                       int alignA, int alignB, int alignD, int alignBias) {
    }

    /** A cached operation: descriptors and the chosen algorithm, or none (unsupported: null algo). */
    private record Plan(MemorySegment desc, MemorySegment a, MemorySegment b, MemorySegment d, MemorySegment algo) {
    }

    private CublasLt(SymbolLookup lib, long stream, long workspace, long workspaceBytes) throws Throwable {
        Linker linker = Linker.nativeLinker();
        matmulDescCreate = fn(linker, lib, "cublasLtMatmulDescCreate", ADDRESS, JAVA_INT, JAVA_INT);
        matmulDescSetAttribute = fn(linker, lib, "cublasLtMatmulDescSetAttribute", ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG);
        layoutCreate = fn(linker, lib, "cublasLtMatrixLayoutCreate", ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
        preferenceCreate = fn(linker, lib, "cublasLtMatmulPreferenceCreate", ADDRESS);
        preferenceSetAttribute = fn(linker, lib, "cublasLtMatmulPreferenceSetAttribute", ADDRESS, JAVA_INT, ADDRESS,
                JAVA_LONG);
        preferenceDestroy = fn(linker, lib, "cublasLtMatmulPreferenceDestroy", ADDRESS);
        heuristic = fn(linker, lib, "cublasLtMatmulAlgoGetHeuristic", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        matmul = fn(linker, lib, "cublasLtMatmul", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        statusString = linker.downcallHandle(lib.find("cublasLtGetStatusString").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MemorySegment h = arena.allocate(ADDRESS);
        check((int) fn(linker, lib, "cublasLtCreate", ADDRESS).invokeExact(h), "cublasLtCreate");
        handle = h.get(ADDRESS, 0);
        this.stream = MemorySegment.ofAddress(stream);
        this.workspace = MemorySegment.ofAddress(workspace);
        this.workspaceBytes = workspaceBytes;
        one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
        scratch = arena.allocate(16, 16);
    }

    /**
     * cuBLASLt on the given stream with the given device workspace, or null when the library cannot be loaded
     * (then {@code why[0]} says why); GEMMs then take the plain cuBLAS route.
     */
    static CublasLt open(long stream, long workspace, long workspaceBytes, String[] why) {
        for (String name : LIBRARIES) {
            SymbolLookup lib;
            try {
                lib = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException e) {
                continue;
            }
            try {
                return new CublasLt(lib, stream, workspace, workspaceBytes);
            } catch (Throwable e) {
                why[0] = name + ": " + e;
                return null;
            }
        }
        why[0] = "libcublasLt.so.13 / .so.12 not found";
        return null;
    }

    /**
     * D = op(A) op(B) + bias (column-major D [rows x cols], ld = rows; bias [rows]) in float32, TF32 tensor cores when
     * asked. Returns false, having done nothing, when cuBLASLt has no algorithm for this combination.
     */
    synchronized boolean matmulBias(boolean tf32, int opA, long ldA, long a, int opB, long ldB, long b, long rows,
                                    long cols, long k, long bias, long d) {
        Key key = new Key(tf32, opA, opB, rows, cols, k, ldA, ldB, alignment(a), alignment(b), alignment(d),
                alignment(bias));
        try {
            Plan plan = plans.get(key);
            if (plan == null) {
                plan = plan(key, bias);
                plans.put(key, plan);
            }
            if (plan.algo() == null) {
                return false;
            }
            scratch.set(JAVA_LONG, 0, bias);
            check((int) matmulDescSetAttribute.invokeExact(plan.desc(), DESC_BIAS_POINTER, scratch, 8L),
                    "set the bias pointer");
            check((int) matmul.invokeExact(handle, plan.desc(), one, MemorySegment.ofAddress(a), plan.a(),
                    MemorySegment.ofAddress(b), plan.b(), zero, MemorySegment.ofAddress(d), plan.d(),
                    MemorySegment.ofAddress(d), plan.d(), plan.algo(), workspace, workspaceBytes, stream),
                    "cublasLtMatmul");
            return true;
        } catch (CudaError e) {
            throw new CudaError(e.getMessage() + " (D " + rows + " x " + cols + ", k " + k + ", bias epilogue)", e);
        } catch (Throwable e) {
            throw new CudaError("cuBLASLt call failed: " + e, e);
        }
    }

    private Plan plan(Key key, long bias) throws Throwable {
        MemorySegment p = arena.allocate(ADDRESS);
        check((int) matmulDescCreate.invokeExact(p, key.tf32() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F,
                CUDA_R_32F), "cublasLtMatmulDescCreate");
        MemorySegment desc = p.get(ADDRESS, 0);
        setInt(desc, DESC_TRANSA, key.opA());
        setInt(desc, DESC_TRANSB, key.opB());
        setInt(desc, DESC_EPILOGUE, EPILOGUE_BIAS);
        scratch.set(JAVA_LONG, 0, bias);
        check((int) matmulDescSetAttribute.invokeExact(desc, DESC_BIAS_POINTER, scratch, 8L), "set the bias pointer");
        boolean transA = key.opA() != 0;
        boolean transB = key.opB() != 0;
        MemorySegment a = layout(transA ? key.k() : key.rows(), transA ? key.rows() : key.k(), key.ldA());
        MemorySegment b = layout(transB ? key.cols() : key.k(), transB ? key.k() : key.cols(), key.ldB());
        MemorySegment d = layout(key.rows(), key.cols(), key.rows());

        check((int) preferenceCreate.invokeExact(p), "cublasLtMatmulPreferenceCreate");
        MemorySegment pref = p.get(ADDRESS, 0);
        try {
            scratch.set(JAVA_LONG, 0, workspaceBytes);
            check((int) preferenceSetAttribute.invokeExact(pref, PREF_MAX_WORKSPACE_BYTES, scratch, 8L),
                    "set the workspace size");
            int[] aligns = {key.alignA(), key.alignB(), key.alignD(), key.alignD()};
            for (int i = 0; i < 4; i++) {
                scratch.set(JAVA_INT, 0, aligns[i]);
                check((int) preferenceSetAttribute.invokeExact(pref, PREF_MIN_ALIGNMENT_A + i, scratch, 4L),
                        "set an alignment");
            }
            MemorySegment results = arena.allocate(HEURISTIC_RESULT_BYTES, 8);
            MemorySegment count = arena.allocate(JAVA_INT);
            int rc = (int) heuristic.invokeExact(handle, desc, a, b, d, d, pref, 1, results, count);
            if (rc != 0 || count.get(JAVA_INT, 0) < 1 || results.get(JAVA_INT, ALGO_BYTES + 8) != 0
                    || results.get(JAVA_LONG, ALGO_BYTES) > workspaceBytes) {
                return new Plan(desc, a, b, d, null);
            }
            return new Plan(desc, a, b, d, results.asSlice(0, ALGO_BYTES));
        } finally {
            int ignored = (int) preferenceDestroy.invokeExact(pref);
        }
    }

    private MemorySegment layout(long rows, long cols, long ld) throws Throwable {
        MemorySegment p = arena.allocate(ADDRESS);
        check((int) layoutCreate.invokeExact(p, CUDA_R_32F, rows, cols, ld), "cublasLtMatrixLayoutCreate");
        return p.get(ADDRESS, 0);
    }

    private void setInt(MemorySegment desc, int attribute, int value) throws Throwable {
        scratch.set(JAVA_INT, 0, value);
        check((int) matmulDescSetAttribute.invokeExact(desc, attribute, scratch, 4L), "cublasLtMatmulDescSetAttribute");
    }

    /** The largest power of two (at most 256) dividing the address. */
    static int alignment(long address) {
        return (int) Math.min(256, Long.lowestOneBit(address == 0 ? 256 : address));
    }

    private void check(int status, String what) {
        if (status != 0) {
            String name;
            try {
                name = ((MemorySegment) statusString.invokeExact(status)).reinterpret(256).getString(0);
            } catch (Throwable e) {
                name = "status " + status;
            }
            throw new CudaError("cuBLASLt: " + what + " failed: " + name);
        }
    }

    private static MethodHandle fn(Linker linker, SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
        return linker.downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args));
    }
}

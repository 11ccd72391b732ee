package cl2cm.engine.backend;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;

/**
 * The primitive kernels a device provides. Tensors and autograd are written once on top of this interface, so the
 * same model code runs on every backend. Kernels write into freshly allocated, contiguous output storages unless a
 * method says it works in place. Shapes are given explicitly; storages carry only dtype and length.
 *
 * <p>Every backend's results must agree, within float32 rounding, with the CPU backend's float64 path, which is
 * written as plain scalar loops and serves as the reference implementation.
 */
public interface Backend {
    String name();

    // ---- memory ------------------------------------------------------------------------------------------------

    /** A zero-filled storage, owned by the current {@link cl2cm.engine.tensor.TensorScope}. */
    Storage allocate(DType dtype, long numel);

    /**
     * A storage whose contents are undefined until written, for outputs that a kernel fills completely (saves the
     * zero fill on devices where allocation does not clear memory). Owned by the current TensorScope.
     */
    default Storage allocateUninitialized(DType dtype, long numel) {
        return allocate(dtype, numel);
    }

    /** Bytes held by this backend's live tensors now and at their peak (see {@link MemoryStats}). */
    MemoryStats memoryStats();

    /** Starts a new peak: {@code memoryStats().peakInUse()} becomes the bytes in use now. */
    void resetPeakMemory();

    /** A storage holding {@code data} converted to {@code dtype}. */
    Storage fromDoubles(DType dtype, double[] data);

    /** A float32 storage holding a copy of {@code data}. */
    Storage fromFloats(float[] data);

    /** The elements of a view in row-major order. */
    double[] toDoubles(View v);

    /** The elements of a view in row-major order, as float32. */
    float[] toFloats(View v);

    /** Copies {@code src} into {@code dst} element by element (same shape, any strides, dtypes may differ). */
    void copy(View src, View dst);

    /** Sets every element of a view. */
    void fill(View dst, double value);

    // ---- pointwise ---------------------------------------------------------------------------------------------

    /** out[i] = op(x[i], p, q) for the first n elements of contiguous storages. */
    void unary(UnaryOp op, double p, double q, Storage x, Storage out, long n);

    /** out = op(a, b) where a and b are views already broadcast to {@code out}'s shape (stride 0 where broadcast). */
    void binary(BinaryOp op, View a, View b, Storage out);

    /** out = cond != 0 ? a : b, all three views already broadcast to out's shape. */
    void where(View cond, View a, View b, Storage out);

    /** In place: dst = a * dst + b * src over n elements ({@code src} may be null when b == 0). */
    void axpby(Storage dst, double a, Storage src, double b, long n);

    // ---- reductions --------------------------------------------------------------------------------------------

    /** Contiguous x viewed as [outer, len, inner] reduced over the middle axis into out [outer, inner]. */
    void reduce(ReduceOp op, Storage x, int outer, int len, int inner, Storage out);

    // ---- linear algebra ----------------------------------------------------------------------------------------

    /**
     * Batched GEMM: for each b in [0, batch), C[b] = alpha * A[b] B[b] + beta * C[b] where A[b] is m x k, B[b] is
     * k x n and C[b] is a contiguous row-major m x n block at {@code cOffset + b*m*n}.
     */
    void gemm(int batch, int m, int n, int k, double alpha, MatOperand a, MatOperand b, double beta, Storage c,
              long cOffset);

    /**
     * A Linear layer's product: C = A B + bias for a row-major contiguous C [m, n] and a contiguous bias [n] (at
     * {@code biasOffset}) added to every row. The plain form copies the broadcast bias into C and accumulates the
     * product onto it (beta = 1); a backend may instead add the bias inside the GEMM (CUDA: cuBLASLt's epilogue).
     */
    default void gemmBias(int m, int n, int k, MatOperand a, MatOperand b, Storage bias, long biasOffset, Storage c) {
        copy(new View(bias, new int[]{m, n}, new int[]{0, 1}, biasOffset), new View(c, new int[]{m, n}, new int[]{n, 1}, 0));
        gemm(1, m, n, k, 1.0, a, b, 1.0, c, 0);
    }

    // ---- fused row kernels -------------------------------------------------------------------------------------

    /** Softmax (or log-softmax) of each row of a contiguous [rows, cols] matrix. */
    void softmax(Storage x, Storage out, int rows, int cols, boolean log);

    /** Gradient of softmax (log-softmax) with respect to its input, from its output y and output gradient gy. */
    void softmaxBackward(Storage y, Storage gy, Storage gx, int rows, int cols, boolean log);

    /**
     * Layer normalisation of each row: out = (x - mean) * rstd * gamma + beta; writes the per-row mean and rstd
     * (1/sqrt(var + eps), biased variance) for the backward pass. gamma and beta may be null.
     */
    void layerNorm(Storage x, Storage gamma, Storage beta, Storage out, Storage mean, Storage rstd, int rows, int cols,
                   double eps);

    /**
     * Batch normalisation with batch statistics of x viewed as [n, c, s] (s: the spatial size, 1 for [n, c]): each
     * channel's mean and rstd = 1/sqrt(var + eps) over its n * s values (biased variance) go to mean[c] and rstd[c],
     * and out = (x - mean) * rstd * gamma + beta. gamma and beta may be null.
     */
    void batchNorm(Storage x, Storage gamma, Storage beta, Storage out, Storage mean, Storage rstd, int n, int c,
                   int s, double eps);

    /**
     * Gradients of batchNorm: with xhat = (x - mean) * rstd and m = n * s values per channel,
     * gx = gamma * rstd / m * (m * gy - sum(gy) - xhat * sum(gy * xhat)); ggamma = sum(gy * xhat) and gbeta = sum(gy)
     * are written when not null.
     */
    void batchNormBackward(Storage x, Storage gamma, Storage mean, Storage rstd, Storage gy, Storage gx,
                           Storage ggamma, Storage gbeta, int n, int c, int s);

    /** Gradients of layer norm: writes gx, and accumulates into ggamma and gbeta when they are not null. */
    void layerNormBackward(Storage x, Storage gamma, Storage mean, Storage rstd, Storage gy, Storage gx,
                           Storage ggamma, Storage gbeta, int rows, int cols);

    // ---- indexing ----------------------------------------------------------------------------------------------

    /** out[i, :] = table[idx[i], :] for a contiguous [tableRows, cols] table. */
    void gatherRows(Storage table, int tableRows, int cols, int[] idx, Storage out);

    /**
     * table[idx[i], :] += src[i, :] (the gradient of gatherRows); repeated indices accumulate, and positions whose
     * index is {@code skip} add nothing (an embedding's padding row; -1 skips none). The skip is decided by the kernel
     * from idx itself, so that no array derived from the ids has to be uploaded (a replayed step rereads idx).
     */
    void scatterAddRows(Storage src, int cols, int[] idx, int skip, Storage table, int tableRows);

    // ---- convolution and pooling (NCHW) ------------------------------------------------------------------------

    /**
     * Unfolds x [N, C, H, W] into cols [C*kh*kw, N*oh*ow] (zero padding): row (c, i, j), column (n, oy, ox). With every
     * image side by side, a convolution layer is one GEMM: W [O, C*kh*kw] x cols.
     */
    void im2col(Storage x, ConvGeometry g, Storage cols);

    /** Folds cols [C*kh*kw, N*oh*ow] back into x [N, C, H, W], summing overlaps (the adjoint of im2col). */
    void col2im(Storage cols, ConvGeometry g, Storage x);

    /** Max pooling: out [N, C, oh, ow]; padding counts as minus infinity. */
    void maxPool2d(Storage x, ConvGeometry g, Storage out);

    /** Routes each output gradient to the first maximal element of its window. */
    void maxPool2dBackward(Storage x, Storage gy, ConvGeometry g, Storage gx);

    /** Average pooling with zero padding counted in the divisor (PyTorch's count_include_pad=True). */
    void avgPool2d(Storage x, ConvGeometry g, Storage out);

    void avgPool2dBackward(Storage gy, ConvGeometry g, Storage gx);

    // ---- attention ---------------------------------------------------------------------------------------------

    /**
     * Whether {@link #attention} runs for these sizes. When it does not, the attention op is composed from batched
     * matmul, softmax and dropout (always on the CPU, whose GEMM kernels beat a fused scalar loop).
     */
    default boolean fusesAttention(DType dtype, int tq, int tk, int headSize) {
        return false;
    }

    /**
     * Multi-head attention in one kernel, for contiguous q [B, Tq, heads * hd], k and v [B, Tk, heads * hd]: with
     * P = softmax(q_h k_h^T * scale + maskBias) per head (maskBias [B, Tk] added to every query's scores, or null),
     * out [B, Tq, heads * hd] = dropout(P) v_h per head, dropout masking element ((b * heads + h) * Tq + i) * Tk + j
     * of P as {@link #dropout} would with {@code seed} (p = 0: none). Keeps only each score row's log-sum-exp in
     * lse [B, heads, Tq], from which backward recomputes P.
     */
    default void attention(Storage q, Storage k, Storage v, Storage maskBias, Storage lse, Storage out, int batch,
                           int heads, int tq, int tk, int headSize, double scale, double p, long seed) {
        throw new UnsupportedOperationException("this backend has no fused attention (see fusesAttention)");
    }

    /** Gradients of {@link #attention} with respect to q, k and v (same layouts), from lse and gOut [B, Tq, width]. */
    default void attentionBackward(Storage q, Storage k, Storage v, Storage maskBias, Storage lse, Storage gOut,
                                   Storage gq, Storage gk, Storage gv, int batch, int heads, int tq, int tk,
                                   int headSize, double scale, double p, long seed) {
        throw new UnsupportedOperationException("this backend has no fused attention (see fusesAttention)");
    }

    // ---- random ------------------------------------------------------------------------------------------------

    /**
     * Inverted dropout of the first n elements: out[i] = u(seed, i) < p ? 0 : scale * x[i], where u is the
     * counter-based uniform {@link DropoutHash#uniform}. Every backend drops the same elements for the same seed, and
     * backward applies the same call to the output gradient, so no mask is ever stored.
     */
    void dropout(Storage x, Storage out, long n, double p, double scale, long seed);

    // ---- optimizers (in place) ---------------------------------------------------------------------------------

    /**
     * out[0] = the L2 norm of every element of every storage, accumulated in float64 (gradient clipping's global norm:
     * one pass for a whole model). {@code out} is a one-element float64 storage; the value stays on the device, so
     * clipping does not stop the host.
     */
    void globalNorm(java.util.List<Storage> xs, Storage out);

    /**
     * In place: every element of every storage times maxNorm / (norm[0] + 1e-6) when that factor is below 1, and
     * nothing otherwise (a NaN norm included). {@code norm} is the one-element float64 storage {@link #globalNorm}
     * wrote.
     */
    void clipToNorm(java.util.List<Storage> xs, Storage norm, double maxNorm);

    /**
     * One Adam/AdamW update of every element of every parameter (all of one dtype; a GPU does them all in one
     * launch): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m / bc1) / (sqrt(v / bc2) + eps) where
     * bc1 = 1 - b1^t, bc2 = 1 - b2^t. Decoupled weight decay (AdamW) multiplies p by (1 - lr * wd) first; L2
     * decay (Adam) adds wd * p to g. The values that change from step to step, {lr, t}, are read from the two-element
     * float64 storage {@code step}, so that a replayed {@link ReplayableStep} uses the current ones.
     */
    void adamUpdate(java.util.List<AdamTensors> tensors, Storage step, double beta1, double beta2, double eps,
                    double weightDecay, boolean decoupled);

    // ---- replaying a training step -----------------------------------------------------------------------------

    /**
     * A training step that can be run again and again. The default runs {@code body} each time; the CUDA backend
     * records it once as a CUDA graph and then replays the graph, which costs one launch instead of hundreds (see
     * {@link ReplayableStep} for what the body may do).
     */
    default ReplayableStep replayable(String name, java.util.function.Supplier<cl2cm.engine.tensor.Tensor> body) {
        return new ReplayableStep.Eager(body);
    }

    /** Whether work on this backend is being recorded for replay rather than run (CUDA graph capture). */
    default boolean isCapturing() {
        return false;
    }

    /** Checks the one-element float64 norm of {@link #globalNorm} and {@link #clipToNorm}; returns it. */
    static Storage requireNorm(Storage s, String op) {
        return requireF64(s, 1, op, "the norm must be one float64");
    }

    /** Checks the two-element float64 {lr, t} of {@link #adamUpdate}; returns it. */
    static Storage requireAdamStep(Storage s) {
        return requireF64(s, 2, "adamUpdate", "step must hold {lr, t} as two float64");
    }

    private static Storage requireF64(Storage s, int n, String op, String must) {
        if (s.dtype() != DType.F64 || s.numel() != n) {
            throw new IllegalArgumentException(op + ": " + must + ", got " + s.numel() + " " + s.dtype());
        }
        return s;
    }

    /** A parameter, its gradient and its two moment estimates: four storages of the same length. */
    record AdamTensors(Storage param, Storage grad, Storage m, Storage v) {
        public AdamTensors {
            long n = param.numel();
            if (grad.numel() != n || m.numel() != n || v.numel() != n) {
                throw new IllegalArgumentException("Adam: parameter of " + n + " elements with gradient "
                        + grad.numel() + ", moments " + m.numel() + " and " + v.numel());
            }
        }
    }
}

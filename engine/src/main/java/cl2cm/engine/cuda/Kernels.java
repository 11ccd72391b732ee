package cl2cm.engine.cuda;

import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.ConvGeometry;
import cl2cm.engine.backend.UnaryOp;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import jcuda.driver.CUdeviceptr;

import static cl2cm.engine.cuda.KernelLauncher.conv;
import static cl2cm.engine.cuda.KernelLauncher.scalar;
import static cl2cm.engine.cuda.KernelLauncher.suffix;
import static cl2cm.engine.cuda.KernelLauncher.view;

/**
 * One typed method per kernel entry point of {@code engine/src/main/cuda/kernels.cu}, named after it, with its C
 * signature beside it ({@code T} is float for {@code _f32}, double for {@code _f64}) and the grid it is launched on.
 * The methods only choose the grid and order the arguments; what the kernels compute is in kernels.cu, and what
 * they must compute is the CPU backend's float64 reference ({@code ReferenceKernels}). {@link PtxSignatures} checks
 * every launch against the compiled PTX, and {@code KernelsContractTest} calls every method here without a GPU.
 */
final class Kernels {
    static final int THREADS = 256;
    static final int MAX_BLOCKS = 65535;
    /** One block per channel: the first conv layers have few channels with many values each. */
    static final int BATCH_NORM_THREADS = 1024;
    /** A block per (batch entry, head). */
    static final int ATTENTION_THREADS = 256;

    /** How a kernel is started; {@link KernelLauncher} in a process with a GPU, a recorder in tests. */
    interface Launch {
        void launch(String kernel, int blocks, int threads, int sharedBytes, Object... args);
    }

    private final Launch gpu;

    Kernels(Launch gpu) {
        this.gpu = gpu;
    }

    /** Grid-stride kernels: enough 256-thread blocks for {@code work} items (at most 65,535). */
    private void items(String kernel, long work, Object... args) {
        gpu.launch(kernel, (int) Math.max(1, Math.min(MAX_BLOCKS, (work + THREADS - 1) / THREADS)), THREADS, 0, args);
    }

    /** Row kernels: one block per row (rows beyond the grid are strided), a warp multiple of threads per row. */
    private void rows(String kernel, long rows, int cols, Object... args) {
        int threads = Math.min(THREADS, Math.max(32, (cols + 31) / 32 * 32));
        gpu.launch(kernel, (int) Math.max(1, Math.min(MAX_BLOCKS, rows)), threads, 0, args);
    }

    // ---- memory and pointwise ----------------------------------------------------------------------------------

    /** {@code copy_S_D(const S* s, View vs, D* d, View vd, long long n)}; n items. */
    void copy(DType from, DType to, CUdeviceptr s, View vs, CUdeviceptr d, View vd, long n) {
        items("copy_" + suffix(from) + "_" + suffix(to), n, s, view(vs), d, view(vd), n);
    }

    /** {@code fill_S(T* d, View v, T value, long long n)}; n items. */
    void fill(DType t, CUdeviceptr d, View v, double value, long n) {
        items("fill_" + suffix(t), n, d, view(v), scalar(t, value), n);
    }

    /** {@code unary_S(int op, T p, T q, const T* x, T* out, long long n)}; n items. */
    void unary(DType t, UnaryOp op, double p, double q, CUdeviceptr x, CUdeviceptr out, long n) {
        items("unary_" + suffix(t), n, op.ordinal(), scalar(t, p), scalar(t, q), x, out, n);
    }

    /** {@code binary_S(int op, const T* a, View va, const T* b, View vb, T* out, long long n, int c)}; n items. */
    void binary(DType t, BinaryOp op, CUdeviceptr a, View va, CUdeviceptr b, View vb, CUdeviceptr out, long n,
                boolean contiguous) {
        items("binary_" + suffix(t), n, op.ordinal(), a, view(va), b, view(vb), out, n, contiguous ? 1 : 0);
    }

    /** {@code where_S(const T* c, View vc, const T* a, View va, const T* b, View vb, T* out, long long n)}; n items. */
    void where(DType t, CUdeviceptr c, View vc, CUdeviceptr a, View va, CUdeviceptr b, View vb, CUdeviceptr out,
               long n) {
        items("where_" + suffix(t), n, c, view(vc), a, view(va), b, view(vb), out, n);
    }

    /** {@code axpby_S(T* d, T al, const T* s, T be, long long n)}; n items; s may be null (then d = al * d + be). */
    void axpby(DType t, CUdeviceptr d, double alpha, CUdeviceptr s, double beta, long n) {
        items("axpby_" + suffix(t), n, d, scalar(t, alpha), s == null ? new CUdeviceptr() : s, scalar(t, beta), n);
    }

    // ---- reductions --------------------------------------------------------------------------------------------

    /** {@code reduce_S(int op, const T* x, int outer, int len, int inner, T* out)}; a block per row when inner is 1. */
    void reduce(DType t, int op, CUdeviceptr x, int outer, int len, int inner, CUdeviceptr out) {
        Object[] args = {op, x, outer, len, inner, out};
        if (inner == 1) {
            rows("reduce_" + suffix(t), outer, len, args);
        } else {
            items("reduce_" + suffix(t), (long) outer * inner, args);
        }
    }

    /**
     * {@code reduce_columns_S(int op, const T* x, int outer, int len, int inner, T* out)}: long columns, 1024-thread
     * blocks over 32-column tiles, so a [8192, 3072] bias gradient is not left to 3072 threads looping 8192 times.
     */
    void reduceColumns(DType t, int op, CUdeviceptr x, int outer, int len, int inner, CUdeviceptr out) {
        long blocks = (long) outer * ((inner + 31) / 32);
        gpu.launch("reduce_columns_" + suffix(t), (int) Math.min(MAX_BLOCKS, blocks), 1024, 0, op, x, outer, len, inner,
                out);
    }

    // ---- row kernels -------------------------------------------------------------------------------------------

    /** {@code softmax_S(const T* x, T* y, int rows, int cols, int log)}; a block per row. */
    void softmax(DType t, CUdeviceptr x, CUdeviceptr y, int rows, int cols, boolean log) {
        rows("softmax_" + suffix(t), rows, cols, x, y, rows, cols, log ? 1 : 0);
    }

    /** {@code softmax_backward_S(const T* y, const T* gy, T* gx, int rows, int cols, int log)}; a block per row. */
    void softmaxBackward(DType t, CUdeviceptr y, CUdeviceptr gy, CUdeviceptr gx, int rows, int cols, boolean log) {
        rows("softmax_backward_" + suffix(t), rows, cols, y, gy, gx, rows, cols, log ? 1 : 0);
    }

    /**
     * {@code layer_norm_S(const T* x, const T* ga, const T* be, T* y, T* mu, T* rs, int rows, int cols, T eps)};
     * a block per row; ga and be may be null.
     */
    void layerNorm(DType t, CUdeviceptr x, CUdeviceptr ga, CUdeviceptr be, CUdeviceptr y, CUdeviceptr mu,
                   CUdeviceptr rs, int rows, int cols, double eps) {
        rows("layer_norm_" + suffix(t), rows, cols, x, ga, be, y, mu, rs, rows, cols, scalar(t, eps));
    }

    /**
     * {@code layer_norm_backward_x_S(const T* x, const T* ga, const T* mu, const T* rs, const T* gy, T* gx, int rows,
     * int cols)}; a block per row.
     */
    void layerNormBackwardX(DType t, CUdeviceptr x, CUdeviceptr ga, CUdeviceptr mu, CUdeviceptr rs, CUdeviceptr gy,
                            CUdeviceptr gx, int rows, int cols) {
        rows("layer_norm_backward_x_" + suffix(t), rows, cols, x, ga, mu, rs, gy, gx, rows, cols);
    }

    /**
     * {@code layer_norm_backward_params_S(const T* x, const T* mu, const T* rs, const T* gy, T* gg, T* gb, int rows,
     * int cols)}; 1024-thread blocks over 32-column tiles.
     */
    void layerNormBackwardParams(DType t, CUdeviceptr x, CUdeviceptr mu, CUdeviceptr rs, CUdeviceptr gy,
                                 CUdeviceptr gg, CUdeviceptr gb, int rows, int cols) {
        gpu.launch("layer_norm_backward_params_" + suffix(t), (int) Math.min(MAX_BLOCKS, (cols + 31) / 32), 1024, 0,
                x, mu, rs, gy, gg, gb, rows, cols);
    }

    /**
     * {@code batch_norm_S(const T* x, const T* ga, const T* be, T* y, T* mean, T* rstd, int n, int c, int s, T eps)};
     * a block per channel.
     */
    void batchNorm(DType t, CUdeviceptr x, CUdeviceptr ga, CUdeviceptr be, CUdeviceptr y, CUdeviceptr mean,
                   CUdeviceptr rstd, int n, int c, int s, double eps) {
        gpu.launch("batch_norm_" + suffix(t), Math.min(MAX_BLOCKS, c), BATCH_NORM_THREADS, 0, x, ga, be, y, mean, rstd,
                n, c, s, scalar(t, eps));
    }

    /**
     * {@code batch_norm_backward_S(const T* x, const T* ga, const T* mean, const T* rstd, const T* gy, T* gx, T* gg,
     * T* gb, int n, int c, int s)}; a block per channel.
     */
    void batchNormBackward(DType t, CUdeviceptr x, CUdeviceptr ga, CUdeviceptr mean, CUdeviceptr rstd, CUdeviceptr gy,
                           CUdeviceptr gx, CUdeviceptr gg, CUdeviceptr gb, int n, int c, int s) {
        gpu.launch("batch_norm_backward_" + suffix(t), Math.min(MAX_BLOCKS, c), BATCH_NORM_THREADS, 0, x, ga, mean,
                rstd, gy, gx, gg, gb, n, c, s);
    }

    // ---- indexing ----------------------------------------------------------------------------------------------

    /** {@code gather_rows_S(const T* t, int cols, const int* idx, int count, T* out)}; count x cols items. */
    void gatherRows(DType t, CUdeviceptr table, int cols, CUdeviceptr idx, int count, CUdeviceptr out) {
        items("gather_rows_" + suffix(t), (long) count * cols, table, cols, idx, count, out);
    }

    /**
     * {@code scatter_add_rows_S(const T* src, int cols, const int* idx, int count, int skip, T* t)}; count x cols
     * items.
     */
    void scatterAddRows(DType t, CUdeviceptr src, int cols, CUdeviceptr idx, int count, int skip, CUdeviceptr table) {
        items("scatter_add_rows_" + suffix(t), (long) count * cols, src, cols, idx, count, skip, table);
    }

    // ---- convolution and pooling -------------------------------------------------------------------------------

    /** {@code im2col_S(const T* x, Conv g, T* cols)}; one item per column entry. */
    void im2col(DType t, CUdeviceptr x, ConvGeometry g, CUdeviceptr cols) {
        items("im2col_" + suffix(t), (long) g.c() * g.kh() * g.kw() * g.n() * g.oh() * g.ow(), x, conv(g), cols);
    }

    /** {@code col2im_S(const T* cols, Conv g, T* x)}; one item per input value. */
    void col2im(DType t, CUdeviceptr cols, ConvGeometry g, CUdeviceptr x) {
        items("col2im_" + suffix(t), (long) g.n() * g.c() * g.h() * g.w(), cols, conv(g), x);
    }

    /** {@code max_pool_S(const T* x, Conv g, T* y)}; one item per output. */
    void maxPool(DType t, CUdeviceptr x, ConvGeometry g, CUdeviceptr y) {
        items("max_pool_" + suffix(t), (long) g.n() * g.c() * g.oh() * g.ow(), x, conv(g), y);
    }

    /** {@code max_pool_backward_S(const T* x, const T* gy, Conv g, T* gx)}; one item per output (gx zeroed first). */
    void maxPoolBackward(DType t, CUdeviceptr x, CUdeviceptr gy, ConvGeometry g, CUdeviceptr gx) {
        items("max_pool_backward_" + suffix(t), (long) g.n() * g.c() * g.oh() * g.ow(), x, gy, conv(g), gx);
    }

    /** {@code avg_pool_S(const T* x, Conv g, T* y)}; one item per output. */
    void avgPool(DType t, CUdeviceptr x, ConvGeometry g, CUdeviceptr y) {
        items("avg_pool_" + suffix(t), (long) g.n() * g.c() * g.oh() * g.ow(), x, conv(g), y);
    }

    /** {@code avg_pool_backward_S(const T* gy, Conv g, T* gx)}; one item per input value. */
    void avgPoolBackward(DType t, CUdeviceptr gy, ConvGeometry g, CUdeviceptr gx) {
        items("avg_pool_backward_" + suffix(t), (long) g.n() * g.c() * g.h() * g.w(), gy, conv(g), gx);
    }

    // ---- random and attention ----------------------------------------------------------------------------------

    /**
     * {@code dropout_S(const T* x, T* out, long long n, double p, double scale, unsigned long long seed,
     * const unsigned long long* salt)}; n items.
     */
    void dropout(DType t, CUdeviceptr x, CUdeviceptr out, long n, double p, double scale, long seed, CUdeviceptr salt) {
        items("dropout_" + suffix(t), n, x, out, n, p, scale, seed, salt);
    }

    /**
     * {@code attention_S(const T* q, const T* k, const T* v, const T* mask, T* lse, T* out, int heads, int tq, int tk,
     * int hd, T scale, double p, double dscale, unsigned long long seed, const unsigned long long* salt)}; a block per
     * (batch entry, head) with {@code sharedBytes} of shared memory.
     */
    void attention(DType t, int batch, int sharedBytes, CUdeviceptr q, CUdeviceptr k, CUdeviceptr v, CUdeviceptr mask,
                   CUdeviceptr lse, CUdeviceptr out, int heads, int tq, int tk, int hd, double scale, double p,
                   long seed, CUdeviceptr salt) {
        gpu.launch("attention_" + suffix(t), batch * heads, ATTENTION_THREADS, sharedBytes, q, k, v, mask, lse, out,
                heads, tq, tk, hd, scalar(t, scale), p, p > 0 ? 1 / (1 - p) : 1.0, seed, salt);
    }

    /**
     * {@code attention_backward_S(const T* q, const T* k, const T* v, const T* mask, const T* lse, const T* go, T* gq,
     * T* gk, T* gv, int heads, int tq, int tk, int hd, T scale, double p, double dscale, unsigned long long seed,
     * const unsigned long long* salt)}; a block per (batch entry, head) with {@code sharedBytes} of shared memory.
     */
    void attentionBackward(DType t, int batch, int sharedBytes, CUdeviceptr q, CUdeviceptr k, CUdeviceptr v,
                           CUdeviceptr mask, CUdeviceptr lse, CUdeviceptr go, CUdeviceptr gq, CUdeviceptr gk,
                           CUdeviceptr gv, int heads, int tq, int tk, int hd, double scale, double p, long seed,
                           CUdeviceptr salt) {
        gpu.launch("attention_backward_" + suffix(t), batch * heads, ATTENTION_THREADS, sharedBytes, q, k, v, mask, lse,
                go, gq, gk, gv, heads, tq, tk, hd, scalar(t, scale), p, p > 0 ? 1 / (1 - p) : 1.0, seed, salt);
    }

    // ---- multi-tensor kernels (MultiTensorKernels): a table of (address, length) chunks --------------------------

    /** {@code sum_squares_chunks_S(const long long* table, int chunks, double* partial)}; a block per chunk. */
    void sumSquaresChunks(DType t, CUdeviceptr table, int chunks, CUdeviceptr partial) {
        gpu.launch("sum_squares_chunks_" + suffix(t), Math.min(MAX_BLOCKS, chunks), 256, 0, table, chunks, partial);
    }

    /** {@code clip_chunks_S(const long long* table, int chunks, const double* norm, double max_norm)}; a block per chunk. */
    void clipChunks(DType t, CUdeviceptr table, int chunks, CUdeviceptr norm, double maxNorm) {
        gpu.launch("clip_chunks_" + suffix(t), Math.min(MAX_BLOCKS, chunks), 256, 0, table, chunks, norm, maxNorm);
    }

    /**
     * {@code adam_chunks_S(const long long* table, int chunks, const double* step, double b1, double b2, T eps, T wd,
     * int dec)}; a block per chunk.
     */
    void adamChunks(DType t, CUdeviceptr table, int chunks, CUdeviceptr step, double beta1, double beta2, double eps,
                    double weightDecay, boolean decoupled) {
        gpu.launch("adam_chunks_" + suffix(t), Math.min(MAX_BLOCKS, chunks), 256, 0, table, chunks, step, beta1, beta2,
                scalar(t, eps), scalar(t, weightDecay), decoupled ? 1 : 0);
    }
}

// CUDA kernels of the cl2cm engine's CUDA backend (cl2cm.engine.cuda.CudaBackend), one per Backend primitive that
// cuBLAS does not cover. Each kernel is a template instantiated for float (suffix _f32) and double (_f64) with
// extern "C" names, so the driver API finds them in the PTX by name.
//
// Compiled ahead of time to PTX (engine/src/main/resources/cl2cm/engine/cuda/kernels.ptx) by
// tools/cuda/build-ptx.sh, because fresh machines may lack nvcc; CudaPtxFreshnessTest fails when that file is stale.
//
// Reference: every kernel computes what the float64 loops of cl2cm.engine.cpu.ReferenceKernels (and, for pointwise
// ops, UnaryOp.apply / BinaryOp.apply) compute; BackendParityTest compares them on a GPU host.
//
// Conventions: n, rows, cols are element counts; "view" parameters describe a strided window (shape, strides in
// elements, offset) of up to MAX_RANK dimensions, as cl2cm.engine.backend.View does on the Java side.

#include <cstdint>

#define MAX_RANK 8

// Byte layout must match CudaBackend.view(View): 8 + 8 + 8*8 + 8*8 = 144 bytes.
struct View {
    long long rank;
    long long offset;
    long long shape[MAX_RANK];
    long long strides[MAX_RANK];
};

// Element i (row-major over view.shape) of a strided view. Below 2^31 elements the index arithmetic is 32-bit:
// a 64-bit division is a long software routine on the GPU, a 32-bit one a few instructions.
__device__ __forceinline__ long long at(const View& v, long long i) {
    long long off = v.offset;
    if (i <= 0x7fffffffLL) {
        unsigned u = (unsigned) i;
        for (int d = (int) v.rank - 1; d >= 0; d--) {
            unsigned s = (unsigned) v.shape[d];
            off += (long long) (u % s) * v.strides[d];
            u /= s;
        }
        return off;
    }
    for (int d = (int) v.rank - 1; d >= 0; d--) {
        long long s = v.shape[d];
        off += (i % s) * v.strides[d];
        i /= s;
    }
    return off;
}

#define GRID_LOOP(i, n) for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); \
                             i += (long long) blockDim.x * gridDim.x)

// ---- pointwise ---------------------------------------------------------------------------------------------------

// Ops numbered as cl2cm.engine.backend.UnaryOp's ordinal: the same constants in the same order, which
// OpCodeContractTest checks without a GPU. A code outside the switch is a broken contract, so the kernel traps.
enum Unary { NEG, EXP, LOG, SQRT, ABS, TANH, SIGMOID, RELU, STEP, AFFINE, POW, CLAMP, INSIDE, GELU_TANH,
             GELU_TANH_GRAD, GELU_ERF, GELU_ERF_GRAD };

template <typename T>
__device__ __forceinline__ T unary_op(int op, T x, T p, T q) {
    const T k0 = (T) 0.7978845608028654;   // sqrt(2 / pi)
    const T r2 = (T) 0.7071067811865476;   // 1 / sqrt(2)
    const T r2pi = (T) 0.3989422804014327; // 1 / sqrt(2 pi)
    switch (op) {
        case NEG: return -x;
        case EXP: return exp(x);
        case LOG: return log(x);
        case SQRT: return sqrt(x);
        case ABS: return fabs(x);
        case TANH: return tanh(x);
        case SIGMOID: return (T) 1 / ((T) 1 + exp(-x));
        case RELU: return x > (T) 0 ? x : (T) 0;
        case STEP: return x > (T) 0 ? (T) 1 : (T) 0;
        case AFFINE: return x * p + q;
        case POW: return pow(x, p);
        case CLAMP: return fmin(fmax(x, p), q);
        case INSIDE: return x >= p && x <= q ? (T) 1 : (T) 0;
        case GELU_TANH: return (T) 0.5 * x * ((T) 1 + tanh(k0 * (x + (T) 0.044715 * x * x * x)));
        case GELU_TANH_GRAD: {
            T t = tanh(k0 * (x + (T) 0.044715 * x * x * x));
            T du = k0 * ((T) 1 + (T) (3 * 0.044715) * x * x);
            return (T) 0.5 * ((T) 1 + t) + (T) 0.5 * x * ((T) 1 - t * t) * du;
        }
        case GELU_ERF: return (T) 0.5 * x * ((T) 1 + erf(x * r2));
        case GELU_ERF_GRAD: return (T) 0.5 * ((T) 1 + erf(x * r2)) + x * r2pi * exp((T) -0.5 * x * x);
    }
    __trap();   // an op code this file does not know: fail the launch rather than return x unchanged
    return x;
}

// Ops numbered as cl2cm.engine.backend.BinaryOp's ordinal, checked and trapped likewise.
enum Binary { ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, EQ, GT, RELU_BACKWARD, GELU_TANH_BACKWARD, GELU_ERF_BACKWARD };

template <typename T>
__device__ __forceinline__ T binary_op(int op, T a, T b) {
    switch (op) {
        case ADD: return a + b;
        case SUB: return a - b;
        case MUL: return a * b;
        case DIV: return a / b;
        // NaN-propagating like Java's Math.max/min (fmax/fmin would drop a NaN).
        case MAXIMUM: return (a != a || b != b) ? a + b : (a > b ? a : b);
        case MINIMUM: return (a != a || b != b) ? a + b : (a < b ? a : b);
        case EQ: return a == b ? (T) 1 : (T) 0;
        case GT: return a > b ? (T) 1 : (T) 0;
        // Gradient rules in one pass: a is the op's input, b the output gradient.
        case RELU_BACKWARD: return a > (T) 0 ? b : (T) 0;
        case GELU_TANH_BACKWARD: return b * unary_op(GELU_TANH_GRAD, a, (T) 0, (T) 0);
        case GELU_ERF_BACKWARD: return b * unary_op(GELU_ERF_GRAD, a, (T) 0, (T) 0);
    }
    __trap();   // an op code this file does not know
    return a;
}

// out[i] = op(x[i], p, q), contiguous, n elements.
template <typename T>
__device__ void unary(int op, T p, T q, const T* x, T* out, long long n) {
    GRID_LOOP(i, n) out[i] = unary_op<T>(op, x[i], p, q);
}

// Whether the view walks its elements in row-major order without gaps (size-1 dimensions have any stride).
__device__ __forceinline__ bool row_major(const View& v) {
    long long expect = 1;
    for (int d = v.rank - 1; d >= 0; d--) {
        if (v.shape[d] != 1 && v.strides[d] != expect) return false;
        expect *= v.shape[d];
    }
    return true;
}

// out (contiguous, shape of the views) = op(a, b); a and b already broadcast (stride 0) to out's shape.
template <typename T>
__device__ void binary(int op, const T* a, View va, const T* b, View vb, T* out, long long n, int contiguous) {
    if (contiguous) {
        GRID_LOOP(i, n) out[i] = binary_op<T>(op, a[va.offset + i], b[vb.offset + i]);
    } else {
        // Usually one side is dense and only the other (a broadcast bias or mask) needs index arithmetic.
        bool da = row_major(va);
        bool db = row_major(vb);
        GRID_LOOP(i, n) out[i] = binary_op<T>(op, a[da ? va.offset + i : at(va, i)], b[db ? vb.offset + i : at(vb, i)]);
    }
}

template <typename T>
__device__ void where(const T* c, View vc, const T* a, View va, const T* b, View vb, T* out, long long n) {
    GRID_LOOP(i, n) out[i] = c[at(vc, i)] != (T) 0 ? a[at(va, i)] : b[at(vb, i)];
}

// dst = alpha * dst + beta * src (src may be null when beta == 0).
template <typename T>
__device__ void axpby(T* dst, T alpha, const T* src, T beta, long long n) {
    if (src == nullptr) {
        GRID_LOOP(i, n) dst[i] = alpha * dst[i];
    } else {
        GRID_LOOP(i, n) dst[i] = alpha * dst[i] + beta * src[i];
    }
}

template <typename T>
__device__ void fill(T* dst, View v, T value, long long n) {
    GRID_LOOP(i, n) dst[at(v, i)] = value;
}

// dst view = src view (same shape), converting S to D.
template <typename S, typename D>
__device__ void copy(const S* src, View vs, D* dst, View vd, long long n) {
    // Views arrive coalesced, but a destination stays rank 2 or more when the source cannot merge its dimensions
    // (a broadcast row, a permutation): test for row-major order itself.
    bool dense = row_major(vd);
    if (dense && vs.rank == 2 && vs.strides[0] == 0 && vs.strides[1] == 1 && n <= 0x7fffffffLL) {
        // A row broadcast to every row (a Linear's bias as the GEMM's starting C): one 32-bit modulo per element.
        unsigned cols = (unsigned) vs.shape[1];
        GRID_LOOP(i, n) dst[vd.offset + i] = (D) src[vs.offset + (unsigned) i % cols];
    } else if (dense) {
        GRID_LOOP(i, n) dst[vd.offset + i] = (D) src[at(vs, i)];
    } else {
        GRID_LOOP(i, n) dst[at(vd, i)] = (D) src[at(vs, i)];
    }
}

// ---- reductions --------------------------------------------------------------------------------------------------

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
    return v;
}

template <typename T>
__device__ __forceinline__ T warp_max(T v) {
    for (int o = 16; o > 0; o >>= 1) {
        T w = __shfl_xor_sync(0xffffffff, v, o);
        v = (v != v || w > v) ? (v != v ? v : w) : v;
    }
    return v;
}

// Block-wide sum or max of one value per thread (blockDim.x a multiple of 32, at most 1024); every thread gets it.
template <typename T>
__device__ T block_reduce(T v, bool max) {
    __shared__ T partial[32];
    __shared__ T result;
    v = max ? warp_max(v) : warp_sum(v);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        int nw = blockDim.x >> 5;
        T w = lane < nw ? partial[lane] : (max ? (T) -INFINITY : (T) 0);
        w = max ? warp_max(w) : warp_sum(w);
        if (lane == 0) result = w;
    }
    __syncthreads();
    T r = result;
    __syncthreads(); // the shared slots may be reused by the next call
    return r;
}

// x viewed as [outer, len, inner] reduced over len into out [outer, inner]. op 0: sum, 1: max.
// Launch: inner == 1 -> one block per outer row; otherwise one thread per output element.
template <typename T>
__device__ void reduce(int op, const T* x, int outer, int len, int inner, T* out) {
    bool max = op == 1;
    if (inner == 1) {
        for (long long r = blockIdx.x; r < outer; r += gridDim.x) {
            const T* row = x + r * len;
            T acc = max ? (T) -INFINITY : (T) 0;
            for (int j = threadIdx.x; j < len; j += blockDim.x) {
                T v = row[j];
                acc = max ? ((v != v || v > acc) ? v : acc) : acc + v;
            }
            acc = block_reduce(acc, max);
            if (threadIdx.x == 0) out[r] = acc;
        }
    } else {
        GRID_LOOP(i, (long long) outer * inner) {
            long long o = i / inner, k = i % inner;
            const T* p = x + o * len * inner + k;
            T acc = max ? (T) -INFINITY : (T) 0;
            for (int j = 0; j < len; j++) {
                T v = p[(long long) j * inner];
                acc = max ? ((v != v || v > acc) ? v : acc) : acc + v;
            }
            out[i] = acc;
        }
    }
}

// Column reduction for long columns: x [outer, len, inner] -> out [outer, inner] with blocks of 1024 threads, each
// owning 32 adjacent columns of one outer slice; thread (x, y) = (tid % 32, tid / 32) sums rows y, y+32, ... of column
// x (coalesced 128-byte loads per warp), then the 32 partial sums of each column are combined in shared memory.
// Launch: outer * ceil(inner / 32) blocks of 1024 threads.
template <typename T>
__device__ void reduce_columns(int op, const T* x, int outer, int len, int inner, T* out) {
    __shared__ T part[32][33];
    bool max = op == 1;
    int tiles = (inner + 31) / 32;
    int lane = threadIdx.x & 31, row = threadIdx.x >> 5;
    for (long long b = blockIdx.x; b < (long long) outer * tiles; b += gridDim.x) {
        long long o = b / tiles;
        int k = (int) (b % tiles) * 32 + lane;
        T acc = max ? (T) -INFINITY : (T) 0;
        if (k < inner) {
            const T* p = x + o * len * inner + k;
            for (int j = row; j < len; j += 32) {
                T v = p[(long long) j * inner];
                acc = max ? ((v != v || v > acc) ? v : acc) : acc + v;
            }
        }
        part[row][lane] = acc;
        __syncthreads();
        if (row == 0) {
            T r = part[0][lane];
            for (int i = 1; i < 32; i++) {
                T v = part[i][lane];
                r = max ? ((v != v || v > r) ? v : r) : r + v;
            }
            if (k < inner) out[o * inner + k] = r;
        }
        __syncthreads();
    }
}

// ---- row kernels: one block per row --------------------------------------------------------------------------------

// Softmax or log-softmax of each row of [rows, cols].
template <typename T>
__device__ void softmax(const T* x, T* out, int rows, int cols, int log) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;
        T* yr = out + r * cols;
        T m = (T) -INFINITY;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) m = fmax(m, xr[j]);
        m = block_reduce(m, true);
        T s = 0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += exp(xr[j] - m);
        s = block_reduce(s, false);
        if (log) {
            T ls = m + ::log(s);
            for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = xr[j] - ls;
        } else {
            T inv = (T) 1 / s;
            for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = exp(xr[j] - m) * inv;
        }
    }
}

// softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy).
template <typename T>
__device__ void softmax_backward(const T* y, const T* gy, T* gx, int rows, int cols, int log) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* yr = y + r * cols;
        const T* gr = gy + r * cols;
        T* out = gx + r * cols;
        T s = 0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += log ? gr[j] : gr[j] * yr[j];
        s = block_reduce(s, false);
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            out[j] = log ? gr[j] - exp(yr[j]) * s : yr[j] * (gr[j] - s);
        }
    }
}

// out = (x - mean) * rstd * gamma + beta per row; mean and rstd saved per row. gamma/beta may be null.
template <typename T>
__device__ void layer_norm(const T* x, const T* gamma, const T* beta, T* out, T* mean, T* rstd, int rows, int cols,
                           T eps) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;
        T* yr = out + r * cols;
        T s = 0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
        T mu = block_reduce(s, false) / cols;
        T v = 0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            T d = xr[j] - mu;
            v += d * d;
        }
        T rs = (T) 1 / sqrt(block_reduce(v, false) / cols + eps);
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            T y = (xr[j] - mu) * rs;
            if (gamma != nullptr) y *= gamma[j];
            if (beta != nullptr) y += beta[j];
            yr[j] = y;
        }
        if (threadIdx.x == 0) {
            mean[r] = mu;
            rstd[r] = rs;
        }
    }
}

// gx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = gy * gamma, per row.
template <typename T>
__device__ void layer_norm_backward_x(const T* x, const T* gamma, const T* mean, const T* rstd, const T* gy, T* gx,
                                      int rows, int cols) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;
        const T* gr = gy + r * cols;
        T mu = mean[r], rs = rstd[r];
        T sg = 0, sgx = 0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            T g = gamma != nullptr ? gr[j] * gamma[j] : gr[j];
            sg += g;
            sgx += g * (xr[j] - mu) * rs;
        }
        sg = block_reduce(sg, false) / cols;
        sgx = block_reduce(sgx, false) / cols;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            T g = gamma != nullptr ? gr[j] * gamma[j] : gr[j];
            gx[r * cols + j] = rs * (g - sg - (xr[j] - mu) * rs * sgx);
        }
    }
}

// ggamma[j] += sum_r gy * xhat, gbeta[j] += sum_r gy (either may be null) for x, gy [rows, cols].
// Like reduce_columns: a block of 1024 threads per 32-column tile, 32 row lanes each summing every 32nd row
// (coalesced loads), then the lanes combined in shared memory in a fixed order (deterministic). One thread per
// column looping over 8192 rows took 3 ms for [8192, 768]; this layout keeps 32x more loads in flight.
// Launch: ceil(cols / 32) blocks of 1024 threads.
template <typename T>
__device__ void layer_norm_backward_params(const T* x, const T* mean, const T* rstd, const T* gy, T* ggamma, T* gbeta,
                                           int rows, int cols) {
    __shared__ T pg[32][33];
    __shared__ T pb[32][33];
    int lane = threadIdx.x & 31, row = threadIdx.x >> 5;
    for (int tile = blockIdx.x; tile < (cols + 31) / 32; tile += gridDim.x) {
        int j = tile * 32 + lane;
        T sg = 0, sb = 0;
        if (j < cols) {
            for (int r = row; r < rows; r += 32) {
                T g = gy[(long long) r * cols + j];
                sg += g * (x[(long long) r * cols + j] - mean[r]) * rstd[r];
                sb += g;
            }
        }
        pg[row][lane] = sg;
        pb[row][lane] = sb;
        __syncthreads();
        if (row == 0 && j < cols) {
            T tg = 0, tb = 0;
            for (int i = 0; i < 32; i++) {
                tg += pg[i][lane];
                tb += pb[i][lane];
            }
            if (ggamma != nullptr) ggamma[j] += tg;
            if (gbeta != nullptr) gbeta[j] += tb;
        }
        __syncthreads();
    }
}

// ---- indexing ----------------------------------------------------------------------------------------------------

// out[i, :] = table[idx[i], :]
template <typename T>
__device__ void gather_rows(const T* table, int cols, const int* idx, int count, T* out) {
    GRID_LOOP(i, (long long) count * cols) out[i] = table[(long long) idx[i / cols] * cols + i % cols];
}

// table[idx[i], :] += src[i, :] except where idx[i] == skip; repeated indices accumulate (atomically, so their order
// may vary).
template <typename T>
__device__ void scatter_add_rows(const T* src, int cols, const int* idx, int count, int skip, T* table) {
    GRID_LOOP(i, (long long) count * cols) {
        int row = idx[i / cols];
        if (row != skip) atomicAdd(&table[(long long) row * cols + i % cols], src[i]);
    }
}

// ---- convolution and pooling (NCHW) --------------------------------------------------------------------------------

struct Conv {  // Byte layout must match CudaBackend.conv(ConvGeometry): 10 ints.
    int n, c, h, w, kh, kw, sh, sw, ph, pw;
};

__device__ __forceinline__ int out_h(const Conv& g) { return (g.h + 2 * g.ph - g.kh) / g.sh + 1; }
__device__ __forceinline__ int out_w(const Conv& g) { return (g.w + 2 * g.pw - g.kw) / g.sw + 1; }

// cols [C*kh*kw, N*oh*ow]: row (c, i, j), column (n, oy, ox).
template <typename T>
__device__ void im2col(const T* x, Conv g, T* cols) {
    int oh = out_h(g), ow = out_w(g);
    long long ncols = (long long) g.n * oh * ow;
    GRID_LOOP(e, (long long) g.c * g.kh * g.kw * ncols) {
        long long row = e / ncols, col = e % ncols;
        int j = row % g.kw, i = (row / g.kw) % g.kh, c = row / (g.kw * g.kh);
        int ox = col % ow, oy = (col / ow) % oh, n = col / (ow * oh);
        int y = oy * g.sh - g.ph + i, xx = ox * g.sw - g.pw + j;
        cols[e] = (y >= 0 && y < g.h && xx >= 0 && xx < g.w) ? x[(((long long) n * g.c + c) * g.h + y) * g.w + xx]
                                                              : (T) 0;
    }
}

// x[n, c, y, x] = sum of the cols entries that im2col copied from it (a gather, so no atomics).
template <typename T>
__device__ void col2im(const T* cols, Conv g, T* x) {
    int oh = out_h(g), ow = out_w(g);
    long long ncols = (long long) g.n * oh * ow;
    GRID_LOOP(e, (long long) g.n * g.c * g.h * g.w) {
        int xx = e % g.w, y = (e / g.w) % g.h, c = (e / ((long long) g.w * g.h)) % g.c;
        int n = e / ((long long) g.w * g.h * g.c);
        T acc = 0;
        for (int i = 0; i < g.kh; i++) {
            int ty = y + g.ph - i;
            if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= oh) continue;
            int oy = ty / g.sh;
            for (int j = 0; j < g.kw; j++) {
                int tx = xx + g.pw - j;
                if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= ow) continue;
                int ox = tx / g.sw;
                long long row = ((long long) c * g.kh + i) * g.kw + j;
                acc += cols[row * ncols + ((long long) n * oh + oy) * ow + ox];
            }
        }
        x[e] = acc;
    }
}

// Max pooling (padding is -inf); out [N, C, oh, ow].
template <typename T>
__device__ void max_pool(const T* x, Conv g, T* out) {
    int oh = out_h(g), ow = out_w(g);
    GRID_LOOP(e, (long long) g.n * g.c * oh * ow) {
        int ox = e % ow, oy = (e / ow) % oh;
        long long nc = e / ((long long) ow * oh);
        const T* p = x + nc * g.h * g.w;
        T m = (T) -INFINITY;
        for (int i = 0; i < g.kh; i++) {
            int y = oy * g.sh - g.ph + i;
            if (y < 0 || y >= g.h) continue;
            for (int j = 0; j < g.kw; j++) {
                int xx = ox * g.sw - g.pw + j;
                if (xx < 0 || xx >= g.w) continue;
                T v = p[y * g.w + xx];
                if (v > m || v != v) m = v;
            }
        }
        out[e] = m;
    }
}

// Each output gradient goes to the first maximal element of its window (atomically: windows may overlap).
template <typename T>
__device__ void max_pool_backward(const T* x, const T* gy, Conv g, T* gx) {
    int oh = out_h(g), ow = out_w(g);
    GRID_LOOP(e, (long long) g.n * g.c * oh * ow) {
        int ox = e % ow, oy = (e / ow) % oh;
        long long nc = e / ((long long) ow * oh);
        const T* p = x + nc * g.h * g.w;
        T m = (T) -INFINITY;
        long long best = -1;
        for (int i = 0; i < g.kh; i++) {
            int y = oy * g.sh - g.ph + i;
            if (y < 0 || y >= g.h) continue;
            for (int j = 0; j < g.kw; j++) {
                int xx = ox * g.sw - g.pw + j;
                if (xx < 0 || xx >= g.w) continue;
                T v = p[y * g.w + xx];
                if (best < 0 || v > m) {
                    m = v;
                    best = y * g.w + xx;
                }
            }
        }
        if (best >= 0) atomicAdd(&gx[nc * g.h * g.w + best], gy[e]);
    }
}

// Average pooling, zero padding counted in the divisor (count_include_pad=True).
template <typename T>
__device__ void avg_pool(const T* x, Conv g, T* out) {
    int oh = out_h(g), ow = out_w(g);
    T inv = (T) 1 / (g.kh * g.kw);
    GRID_LOOP(e, (long long) g.n * g.c * oh * ow) {
        int ox = e % ow, oy = (e / ow) % oh;
        long long nc = e / ((long long) ow * oh);
        const T* p = x + nc * g.h * g.w;
        T s = 0;
        for (int i = 0; i < g.kh; i++) {
            int y = oy * g.sh - g.ph + i;
            if (y < 0 || y >= g.h) continue;
            for (int j = 0; j < g.kw; j++) {
                int xx = ox * g.sw - g.pw + j;
                if (xx >= 0 && xx < g.w) s += p[y * g.w + xx];
            }
        }
        out[e] = s * inv;
    }
}

// gx[n, c, y, x] = sum over windows containing (y, x) of gy / (kh * kw) (a gather).
template <typename T>
__device__ void avg_pool_backward(const T* gy, Conv g, T* gx) {
    int oh = out_h(g), ow = out_w(g);
    T inv = (T) 1 / (g.kh * g.kw);
    GRID_LOOP(e, (long long) g.n * g.c * g.h * g.w) {
        int xx = e % g.w, y = (e / g.w) % g.h;
        long long nc = e / ((long long) g.w * g.h);
        T s = 0;
        for (int i = 0; i < g.kh; i++) {
            int ty = y + g.ph - i;
            if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= oh) continue;
            for (int j = 0; j < g.kw; j++) {
                int tx = xx + g.pw - j;
                if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= ow) continue;
                s += gy[(nc * oh + ty / g.sh) * ow + tx / g.sw];
            }
        }
        gx[e] = s * inv;
    }
}

// ---- batch norm ------------------------------------------------------------------------------------------------
// x viewed as [n, c, s]; one block per channel (grid-stride over channels) walks that channel's n * s values; sums in
// float64. Launch: min(c, 65535) blocks of 1024 threads (few channels in the first, largest layers: each block must
// cover many values).

__device__ __forceinline__ long long bn_at(long long t, int ch, int c, int s) {
    if (t <= 0x7fffffffLL) {   // 32-bit division: a few instructions, where a 64-bit one is a long routine
        unsigned i = (unsigned) t / (unsigned) s;
        return ((long long) i * c + ch) * s + ((unsigned) t - i * (unsigned) s);
    }
    long long i = t / s;
    return (i * c + ch) * s + (t - i * s);
}

template <typename T>
__device__ void batch_norm(const T* x, const T* ga, const T* be, T* y, T* mean, T* rstd, int n, int c, int s, T eps) {
    long long m = (long long) n * s;
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double acc = 0;
        for (long long t = threadIdx.x; t < m; t += blockDim.x) acc += (double) x[bn_at(t, ch, c, s)];
        double mu = block_reduce(acc, false) / (double) m;
        double sq = 0;
        for (long long t = threadIdx.x; t < m; t += blockDim.x) {
            double d = (double) x[bn_at(t, ch, c, s)] - mu;
            sq += d * d;
        }
        double rs = 1.0 / sqrt(block_reduce(sq, false) / (double) m + (double) eps);
        if (threadIdx.x == 0) {
            mean[ch] = (T) mu;
            rstd[ch] = (T) rs;
        }
        T scale = (T) rs * (ga != nullptr ? ga[ch] : (T) 1);
        T shift = (be != nullptr ? be[ch] : (T) 0) - (T) mu * scale;
        for (long long t = threadIdx.x; t < m; t += blockDim.x) {
            long long k = bn_at(t, ch, c, s);
            y[k] = x[k] * scale + shift;
        }
    }
}

template <typename T>
__device__ void batch_norm_backward(const T* x, const T* ga, const T* mean, const T* rstd, const T* gy, T* gx, T* gg,
                                    T* gb, int n, int c, int s) {
    long long m = (long long) n * s;
    for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double mu = (double) mean[ch], rs = (double) rstd[ch];
        double sd = 0, sdx = 0;
        for (long long t = threadIdx.x; t < m; t += blockDim.x) {
            long long k = bn_at(t, ch, c, s);
            double g = (double) gy[k];
            sd += g;
            sdx += g * ((double) x[k] - mu) * rs;
        }
        sd = block_reduce(sd, false);
        sdx = block_reduce(sdx, false);
        if (threadIdx.x == 0) {
            if (gg != nullptr) gg[ch] = (T) sdx;
            if (gb != nullptr) gb[ch] = (T) sd;
        }
        double kk = (ga != nullptr ? (double) ga[ch] : 1.0) * rs / (double) m;
        for (long long t = threadIdx.x; t < m; t += blockDim.x) {
            long long k = bn_at(t, ch, c, s);
            double xhat = ((double) x[k] - mu) * rs;
            gx[k] = (T) (kk * ((double) m * (double) gy[k] - sd - xhat * sdx));
        }
    }
}

// ---- random --------------------------------------------------------------------------------------------------------

// out[i] = u(seed, i) < p ? 0 : scale with u = splitmix64(seed + (i + 1) * golden) >> 11 / 2^53, exactly as
// cl2cm.engine.backend.DropoutHash computes it on the CPU. *salt is 0 except while a captured CUDA graph replays:
// the seed is a kernel argument frozen at capture, and the replay number mixed in here gives each replay its own mask
// (CudaBackend.launchGraph).
__device__ __forceinline__ unsigned long long salted(unsigned long long seed, const unsigned long long* salt) {
    return seed ^ *salt * 0xD1B54A32D192ED03ULL;
}

// Whether dropout keeps element i (u(seed, i) >= p).
__device__ __forceinline__ bool dropout_keeps(unsigned long long seed, long long i, double p) {
    unsigned long long z = seed + (unsigned long long) (i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double) (z >> 11) * 0x1.0p-53 >= p;
}

// x times dscale where dropout keeps element i, else 0; x itself when p = 0 (no dropout).
template <typename T>
__device__ __forceinline__ T dropped(T x, unsigned long long seed, long long i, double p, double dscale) {
    return p > 0 ? (dropout_keeps(seed, i, p) ? (T) dscale * x : (T) 0) : x;
}

template <typename T>
__device__ void dropout(const T* x, T* out, long long n, double p, double scale, unsigned long long seed,
                        const unsigned long long* salt) {
    seed = salted(seed, salt);
    GRID_LOOP(i, n) {
        out[i] = dropped(x[i], seed, i, p, scale);
    }
}

// ---- attention for short sequences -----------------------------------------------------------------------------------
// One block per (batch entry b, head h), everything in shared memory (the caller checks it fits): scores, softmax,
// dropout and the product with v in one kernel, reading q, k, v [B, T, heads * hd] and writing the context in the same
// merged-heads layout, so no permute copies are needed either way. Only each score row's log-sum-exp lse
// [B, heads, Tq] is kept for backward, which recomputes the probabilities P = exp(S - lse) (as flash attention does).
// Dropout (p > 0) masks element ((b * heads + h) * Tq + i) * Tk + j of P exactly as the dropout kernel masks that
// element of a [B, heads, Tq, Tk] tensor. mask (or null): an additive bias per key, [B, Tk]. k and v rows are padded
// by one element in shared memory so that threads reading one column of different rows hit different banks, and
// each thread computes TILE outputs that share one operand, which it loads once.

#define TILE 4

// S[i, j] = (q_i . k_j) * scale + mask_j for the block's head, into s [tq, tk].
template <typename T>
__device__ void attention_scores(const T* sq, const T* sk, int ld, const T* mask, int b, int tq, int tk, int hd,
                                 T scale, T* s) {
    int groups = (tq + TILE - 1) / TILE;
    for (int e = threadIdx.x; e < groups * tk; e += blockDim.x) {
        int i0 = (e / tk) * TILE, j = e % tk;
        T acc[TILE] = {};
        for (int d = 0; d < hd; d++) {
            T kv = sk[j * ld + d];
#pragma unroll
            for (int r = 0; r < TILE; r++) {
                if (i0 + r < tq) acc[r] += sq[(i0 + r) * hd + d] * kv;
            }
        }
        T bias = mask ? mask[(long long) b * tk + j] : (T) 0;
#pragma unroll
        for (int r = 0; r < TILE; r++) {
            if (i0 + r < tq) s[(i0 + r) * tk + j] = acc[r] * scale + bias;
        }
    }
}

// out[i, d] = sum_j a[i, j] x[j, d] for i < rows, j < inner, with a[i, j] at a[i * ars + j * acs] (ars = lda, acs = 1 for
// a itself; ars = 1, acs = lda for the transpose of a stored [inner, rows]) and x rows ldx apart, written to
// dst[(row0 + i) * width + col0 + d].
template <typename T>
__device__ void attention_product(const T* a, int ars, int acs, const T* x, int ldx, int rows, int inner, int hd,
                                  T* dst, long long row0, long long width, int col0) {
    int groups = (rows + TILE - 1) / TILE;
    for (int e = threadIdx.x; e < groups * hd; e += blockDim.x) {
        int i0 = (e / hd) * TILE, d = e % hd;
        T acc[TILE] = {};
        for (int j = 0; j < inner; j++) {
            T xv = x[j * ldx + d];
#pragma unroll
            for (int r = 0; r < TILE; r++) {
                if (i0 + r < rows) acc[r] += a[(i0 + r) * ars + j * acs] * xv;
            }
        }
#pragma unroll
        for (int r = 0; r < TILE; r++) {
            if (i0 + r < rows) dst[(row0 + i0 + r) * width + col0 + d] = acc[r];
        }
    }
}

// Loads the block's head of x [B, T, width] (rows t of batch entry b) into s with row stride ld.
template <typename T>
__device__ void attention_load(const T* x, int b, int t, int h, int hd, long long width, T* s, int ld) {
    for (int e = threadIdx.x; e < t * hd; e += blockDim.x) {
        s[(e / hd) * ld + e % hd] = x[((long long) b * t + e / hd) * width + (long long) h * hd + e % hd];
    }
}

template <typename T>
__device__ void attention(const T* q, const T* k, const T* v, const T* mask, T* lse, T* out, int heads, int tq,
                          int tk, int hd, T scale, double p, double dscale, unsigned long long seed,
                          const unsigned long long* salt) {
    extern __shared__ __align__(16) unsigned char smem[];
    int ld = hd + 1;
    T* sq = (T*) smem;       // [tq, hd]
    T* sk = sq + tq * hd;    // [tk, ld]
    T* sv = sk + tk * ld;    // [tk, ld]
    T* ss = sv + tk * ld;    // [tq, tk]: scores, then probabilities after dropout
    int b = blockIdx.x / heads, h = blockIdx.x % heads;
    long long width = (long long) heads * hd;
    seed = salted(seed, salt);
    attention_load(q, b, tq, h, hd, width, sq, hd);
    attention_load(k, b, tk, h, hd, width, sk, ld);
    attention_load(v, b, tk, h, hd, width, sv, ld);
    __syncthreads();
    attention_scores(sq, sk, ld, mask, b, tq, tk, hd, scale, ss);
    __syncthreads();
    int lane = threadIdx.x & 31, warps = blockDim.x >> 5;
    for (int i = threadIdx.x >> 5; i < tq; i += warps) {   // one warp per row, as the softmax kernel computes it
        T m = (T) -INFINITY;
        for (int j = lane; j < tk; j += 32) m = fmax(m, ss[i * tk + j]);
        m = warp_max(m);
        T sum = 0;
        for (int j = lane; j < tk; j += 32) sum += exp(ss[i * tk + j] - m);
        sum = warp_sum(sum);
        T inv = (T) 1 / sum;
        long long row = ((long long) blockIdx.x * tq + i) * tk;
        if (lane == 0) lse[(long long) blockIdx.x * tq + i] = m + log(sum);
        for (int j = lane; j < tk; j += 32) {
            T pr = exp(ss[i * tk + j] - m) * inv;
            ss[i * tk + j] = dropped(pr, seed, row + j, p, dscale);
        }
    }
    __syncthreads();
    attention_product(ss, tk, 1, sv, ld, tq, tk, hd, out, (long long) b * tq, width, h * hd);
}

// Gradients of attention with respect to q, k and v (same layouts) from lse and the output gradient gout. With
// P = exp(S - lse) and P' = dropout(P): gv = P'^T gout; gP = dropout(gout v^T); gS = P * (gP - rowsum(gP * P));
// gq = scale gS k; gk = scale gS^T q.
template <typename T>
__device__ void attention_backward(const T* q, const T* k, const T* v, const T* mask, const T* lse, const T* gout,
                                   T* gq, T* gk, T* gv, int heads, int tq, int tk, int hd, T scale, double p,
                                   double dscale, unsigned long long seed, const unsigned long long* salt) {
    extern __shared__ __align__(16) unsigned char smem[];
    int ld = hd + 1;
    T* sq = (T*) smem;       // [tq, hd]
    T* sg = sq + tq * hd;    // [tq, hd]: gout
    T* sk = sg + tq * hd;    // [tk, ld]
    T* sv = sk + tk * ld;    // [tk, ld]
    T* sp = sv + tk * ld;    // [tq, tk]: S, then P
    T* sd = sp + tq * tk;    // [tq, tk]: P', then gP, then gS
    int b = blockIdx.x / heads, h = blockIdx.x % heads;
    long long width = (long long) heads * hd;
    long long base = (long long) blockIdx.x * tq * tk;
    seed = salted(seed, salt);
    attention_load(q, b, tq, h, hd, width, sq, hd);
    attention_load(gout, b, tq, h, hd, width, sg, hd);
    attention_load(k, b, tk, h, hd, width, sk, ld);
    attention_load(v, b, tk, h, hd, width, sv, ld);
    __syncthreads();
    attention_scores(sq, sk, ld, mask, b, tq, tk, hd, scale, sp);
    __syncthreads();
    for (int e = threadIdx.x; e < tq * tk; e += blockDim.x) {
        T pr = exp(sp[e] - lse[(long long) blockIdx.x * tq + e / tk]);
        sp[e] = pr;
        sd[e] = dropped(pr, seed, base + e, p, dscale);
    }
    __syncthreads();
    attention_product(sd, 1, tk, sg, hd, tk, tq, hd, gv, (long long) b * tk, width, h * hd);
    __syncthreads();
    attention_scores(sg, sv, ld, (const T*) nullptr, b, tq, tk, hd, (T) 1, sd);   // gout v^T, dropped below
    __syncthreads();
    int lane = threadIdx.x & 31, warps = blockDim.x >> 5;
    for (int i = threadIdx.x >> 5; i < tq; i += warps) {
        T dot = 0;
        for (int j = lane; j < tk; j += 32) {   // gP = dropout(gout v^T); this lane alone reads it back
            T gp = dropped(sd[i * tk + j], seed, base + i * tk + j, p, dscale);
            sd[i * tk + j] = gp;
            dot += gp * sp[i * tk + j];
        }
        dot = warp_sum(dot);
        for (int j = lane; j < tk; j += 32) sd[i * tk + j] = sp[i * tk + j] * (sd[i * tk + j] - dot) * scale;
    }
    __syncthreads();
    attention_product(sd, tk, 1, sk, ld, tq, tk, hd, gq, (long long) b * tq, width, h * hd);
    attention_product(sd, 1, tk, sq, hd, tk, tq, hd, gk, (long long) b * tk, width, h * hd);
}

// ---- multi-tensor ops ------------------------------------------------------------------------------------------
// A table of chunks stands for many tensors at once: entry c is (device address, length) of up to 65,536 elements of
// one tensor, so a model's 200 gradients take one launch instead of 200 (the step is launch-bound otherwise).
// Launch: one block of 256 threads per chunk (grid-stride over chunks).

// partial[c] = sum of x^2 over chunk c, accumulated in float64; summed afterwards in chunk order (deterministic).
template <typename T>
__device__ void sum_squares_chunks(const long long* table, int chunks, double* partial) {
    for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
        const T* x = (const T*) table[2 * c];
        long long n = table[2 * c + 1];
        double acc = 0;
        for (long long i = threadIdx.x; i < n; i += blockDim.x) {
            double v = (double) x[i];
            acc += v * v;
        }
        acc = block_reduce(acc, false);
        if (threadIdx.x == 0) partial[c] = acc;
    }
}

// Gradient clipping without a trip to the host: x *= maxNorm / (norm + 1e-6) over every chunk when that factor is
// below 1 (a NaN norm scales nothing; the caller reports it).
template <typename T>
__device__ void clip_chunks(const long long* table, int chunks, const double* norm, double max_norm) {
    double f = max_norm / (*norm + 1e-6);
    if (!(f < 1)) return;
    T factor = (T) f;
    for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
        T* x = (T*) table[2 * c];
        long long n = table[2 * c + 1];
        for (long long i = threadIdx.x; i < n; i += blockDim.x) x[i] *= factor;
    }
}

// ---- optimizer ---------------------------------------------------------------------------------------------------

// One Adam/AdamW step in place over a chunk table of (p, g, m, v, length) entries (see multi-tensor ops above).
// The values that change every step, step = {lr, t} (t counts from 1), come from device memory (uploaded by the
// host each step) so that a captured CUDA graph replays with the current ones. Launch: 256 threads per chunk.
template <typename T>
__device__ void adam_chunks(const long long* table, int chunks, const double* step, double beta1, double beta2, T eps,
                            T wd, int decoupled) {
    T lr = (T) step[0];
    T bc1 = (T) (1 - pow(beta1, step[1]));
    T bc2 = (T) (1 - pow(beta2, step[1]));
    T b1 = (T) beta1;
    T b2 = (T) beta2;
    for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
        const long long* e = table + 5 * c;
        T* p = (T*) e[0];
        const T* g = (const T*) e[1];
        T* m = (T*) e[2];
        T* v = (T*) e[3];
        long long n = e[4];
        for (long long i = threadIdx.x; i < n; i += blockDim.x) {
            T grad = g[i];
            T w = p[i];
            if (decoupled) {
                w *= (T) 1 - lr * wd;
            } else {
                grad += wd * w;
            }
            T mi = b1 * m[i] + ((T) 1 - b1) * grad;
            T vi = b2 * v[i] + ((T) 1 - b2) * grad * grad;
            m[i] = mi;
            v[i] = vi;
            p[i] = w - lr * (mi / bc1) / (sqrt(vi / bc2) + eps);
        }
    }
}

// ---- extern "C" entry points ---------------------------------------------------------------------------------------

#define BOTH(X) X(float, f32) X(double, f64)

#define ENTRIES(T, S)                                                                                                 \
extern "C" __global__ void unary_##S(int op, T p, T q, const T* x, T* out, long long n) { unary<T>(op, p, q, x, out, n); } \
extern "C" __global__ void binary_##S(int op, const T* a, View va, const T* b, View vb, T* out, long long n, int c) {   \
    binary<T>(op, a, va, b, vb, out, n, c); }                                                                          \
extern "C" __global__ void where_##S(const T* c, View vc, const T* a, View va, const T* b, View vb, T* out, long long n) { \
    where<T>(c, vc, a, va, b, vb, out, n); }                                                                           \
extern "C" __global__ void axpby_##S(T* d, T al, const T* s, T be, long long n) { axpby<T>(d, al, s, be, n); }         \
extern "C" __global__ void fill_##S(T* d, View v, T value, long long n) { fill<T>(d, v, value, n); }                   \
extern "C" __global__ void reduce_##S(int op, const T* x, int outer, int len, int inner, T* out) {                   \
    reduce<T>(op, x, outer, len, inner, out); }                                                                        \
extern "C" __global__ void reduce_columns_##S(int op, const T* x, int outer, int len, int inner, T* out) {          \
    reduce_columns<T>(op, x, outer, len, inner, out); }                                                                \
extern "C" __global__ void softmax_##S(const T* x, T* y, int rows, int cols, int log) { softmax<T>(x, y, rows, cols, log); } \
extern "C" __global__ void softmax_backward_##S(const T* y, const T* gy, T* gx, int rows, int cols, int log) {       \
    softmax_backward<T>(y, gy, gx, rows, cols, log); }                                                                 \
extern "C" __global__ void layer_norm_##S(const T* x, const T* ga, const T* be, T* y, T* mu, T* rs, int rows,        \
                                          int cols, T eps) { layer_norm<T>(x, ga, be, y, mu, rs, rows, cols, eps); }   \
extern "C" __global__ void layer_norm_backward_x_##S(const T* x, const T* ga, const T* mu, const T* rs, const T* gy,  \
                                                     T* gx, int rows, int cols) {                                    \
    layer_norm_backward_x<T>(x, ga, mu, rs, gy, gx, rows, cols); }                                                     \
extern "C" __global__ void layer_norm_backward_params_##S(const T* x, const T* mu, const T* rs, const T* gy, T* gg,    \
                                                          T* gb, int rows, int cols) {                               \
    layer_norm_backward_params<T>(x, mu, rs, gy, gg, gb, rows, cols); }                                                \
extern "C" __global__ void batch_norm_##S(const T* x, const T* ga, const T* be, T* y, T* mean, T* rstd, int n, int c, \
                                          int s, T eps) { batch_norm<T>(x, ga, be, y, mean, rstd, n, c, s, eps); }      \
extern "C" __global__ void batch_norm_backward_##S(const T* x, const T* ga, const T* mean, const T* rstd, const T* gy,   \
                                                   T* gx, T* gg, T* gb, int n, int c, int s) {                       \
    batch_norm_backward<T>(x, ga, mean, rstd, gy, gx, gg, gb, n, c, s); }                                              \
extern "C" __global__ void gather_rows_##S(const T* t, int cols, const int* idx, int count, T* out) {                \
    gather_rows<T>(t, cols, idx, count, out); }                                                                        \
extern "C" __global__ void scatter_add_rows_##S(const T* src, int cols, const int* idx, int count, int skip, T* t) { \
    scatter_add_rows<T>(src, cols, idx, count, skip, t); }                                                                   \
extern "C" __global__ void im2col_##S(const T* x, Conv g, T* cols) { im2col<T>(x, g, cols); }                         \
extern "C" __global__ void col2im_##S(const T* cols, Conv g, T* x) { col2im<T>(cols, g, x); }                         \
extern "C" __global__ void max_pool_##S(const T* x, Conv g, T* y) { max_pool<T>(x, g, y); }                           \
extern "C" __global__ void max_pool_backward_##S(const T* x, const T* gy, Conv g, T* gx) {                            \
    max_pool_backward<T>(x, gy, g, gx); }                                                                              \
extern "C" __global__ void avg_pool_##S(const T* x, Conv g, T* y) { avg_pool<T>(x, g, y); }                           \
extern "C" __global__ void avg_pool_backward_##S(const T* gy, Conv g, T* gx) { avg_pool_backward<T>(gy, g, gx); }     \
extern "C" __global__ void dropout_##S(const T* x, T* out, long long n, double p, double scale,                     \
                                      unsigned long long seed, const unsigned long long* salt) {                       \
    dropout<T>(x, out, n, p, scale, seed, salt); }                                                                     \
extern "C" __global__ void attention_##S(const T* q, const T* k, const T* v, const T* mask, T* lse, T* out,         \
                                        int heads, int tq, int tk, int hd, T scale, double p, double dscale,         \
                                        unsigned long long seed, const unsigned long long* salt) {                   \
    attention<T>(q, k, v, mask, lse, out, heads, tq, tk, hd, scale, p, dscale, seed, salt); }                         \
extern "C" __global__ void attention_backward_##S(const T* q, const T* k, const T* v, const T* mask, const T* lse,   \
                                                 const T* go, T* gq, T* gk, T* gv, int heads, int tq, int tk, int hd, \
                                                 T scale, double p, double dscale, unsigned long long seed,          \
                                                 const unsigned long long* salt) {                                   \
    attention_backward<T>(q, k, v, mask, lse, go, gq, gk, gv, heads, tq, tk, hd, scale, p, dscale, seed, salt); }     \
extern "C" __global__ void sum_squares_chunks_##S(const long long* table, int chunks, double* partial) {          \
    sum_squares_chunks<T>(table, chunks, partial); }                                                                   \
extern "C" __global__ void clip_chunks_##S(const long long* table, int chunks, const double* norm, double max_norm) { \
    clip_chunks<T>(table, chunks, norm, max_norm); }                                                                   \
extern "C" __global__ void adam_chunks_##S(const long long* table, int chunks, const double* step, double b1,        \
                                           double b2, T eps, T wd, int dec) {                                       \
    adam_chunks<T>(table, chunks, step, b1, b2, eps, wd, dec); }

BOTH(ENTRIES)

extern "C" __global__ void copy_f32_f32(const float* s, View vs, float* d, View vd, long long n) { copy(s, vs, d, vd, n); }
extern "C" __global__ void copy_f32_f64(const float* s, View vs, double* d, View vd, long long n) { copy(s, vs, d, vd, n); }
extern "C" __global__ void copy_f64_f32(const double* s, View vs, float* d, View vd, long long n) { copy(s, vs, d, vd, n); }
extern "C" __global__ void copy_f64_f64(const double* s, View vs, double* d, View vd, long long n) { copy(s, vs, d, vd, n); }

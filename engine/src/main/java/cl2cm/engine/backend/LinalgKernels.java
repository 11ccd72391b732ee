package cl2cm.engine.backend;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;

/**
 * Matrix products: batched strided GEMM, GEMM with a bias row, and fused attention where a backend has it.
 * Part of {@link Backend}.
 */
public interface LinalgKernels extends MemoryKernels {   // gemmBias's plain form copies the bias into C
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
}

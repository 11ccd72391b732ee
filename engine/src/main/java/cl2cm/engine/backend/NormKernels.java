package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/**
 * Row-wise fused kernels: softmax and log-softmax, layer norm and batch norm, forward and backward.
 * Part of {@link Backend}.
 */
public interface NormKernels {
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
}

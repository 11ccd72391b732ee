package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/** Convolution as im2col/col2im around a GEMM, and max/average pooling, over NCHW images. Part of {@link Backend}. */
public interface ConvolutionKernels {
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
}

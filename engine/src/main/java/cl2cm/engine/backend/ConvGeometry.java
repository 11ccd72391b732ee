package cl2cm.engine.backend;

/**
 * Shapes of a 2-D convolution or pooling window over an NCHW input: kernel kh x kw, stride, zero padding, and the
 * resulting output size {@code oh x ow}.
 */
public record ConvGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW) {
    public ConvGeometry {
        if (kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("bad window: kernel " + kh + "x" + kw + ", stride " + strideH + "x"
                    + strideW + ", padding " + padH + "x" + padW);
        }
        if (h + 2 * padH < kh || w + 2 * padW < kw) {
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + " is larger than the padded input "
                    + (h + 2 * padH) + "x" + (w + 2 * padW));
        }
    }

    public int oh() {
        return (h + 2 * padH - kh) / strideH + 1;
    }

    public int ow() {
        return (w + 2 * padW - kw) / strideW + 1;
    }
}

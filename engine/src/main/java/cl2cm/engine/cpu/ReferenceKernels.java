package cl2cm.engine.cpu;

import cl2cm.engine.backend.ConvGeometry;
import cl2cm.engine.backend.MatOperand;
import cl2cm.engine.backend.ReduceOp;
import cl2cm.engine.backend.UnaryOp;

/**
 * The float64 kernels: plain scalar loops that follow each op's textbook definition, single-threaded. They are the
 * reference the fast float32 kernels are tested against, and the arithmetic of finite-difference gradient checks.
 * Clarity wins over speed here.
 */
final class ReferenceKernels {
    private ReferenceKernels() {
    }

    static void unary(UnaryOp op, double p, double q, double[] x, double[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = op.apply(x[i], p, q);
        }
    }

    static void reduce(ReduceOp op, double[] x, int outer, int len, int inner, double[] out) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double acc = op == ReduceOp.SUM ? 0.0 : Double.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) {
                    double v = x[(o * len + l) * inner + j];
                    acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
                }
                out[o * inner + j] = acc;
            }
        }
    }

    static void gemm(int batch, int m, int n, int k, double alpha, MatOperand a, double[] av, MatOperand b,
                     double[] bv, double beta, double[] c, int cOff) {
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += av[(int) (a.batchOffset(bi) + i * a.rowStride() + p * a.colStride())]
                                * bv[(int) (b.batchOffset(bi) + p * b.rowStride() + j * b.colStride())];
                    }
                    int ci = cOff + (bi * m + i) * n + j;
                    c[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
                }
            }
        }
    }

    static void softmax(double[] x, double[] out, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[o + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                out[o + j] = log ? x[o + j] - max - Math.log(sum) : Math.exp(x[o + j] - max) / sum;
            }
        }
    }

    static void softmaxBackward(double[] y, double[] gy, double[] gx, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) {
                dot += log ? gy[o + j] : gy[o + j] * y[o + j];
            }
            for (int j = 0; j < cols; j++) {
                gx[o + j] = log ? gy[o + j] - Math.exp(y[o + j]) * dot : y[o + j] * (gy[o + j] - dot);
            }
        }
    }

    static void layerNorm(double[] x, double[] gamma, double[] beta, double[] out, double[] mean, double[] rstd,
                          int rows, int cols, double eps) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double mu = 0;
            for (int j = 0; j < cols; j++) {
                mu += x[o + j];
            }
            mu /= cols;
            double var = 0;
            for (int j = 0; j < cols; j++) {
                var += (x[o + j] - mu) * (x[o + j] - mu);
            }
            var /= cols;
            double rs = 1.0 / Math.sqrt(var + eps);
            mean[r] = mu;
            rstd[r] = rs;
            for (int j = 0; j < cols; j++) {
                double y = (x[o + j] - mu) * rs;
                out[o + j] = y * (gamma == null ? 1 : gamma[j]) + (beta == null ? 0 : beta[j]);
            }
        }
    }

    static void batchNorm(double[] x, double[] gamma, double[] beta, double[] out, double[] mean, double[] rstd,
                          int n, int c, int s, double eps) {
        double m = (double) n * s;
        for (int ch = 0; ch < c; ch++) {
            double mu = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    mu += x[(i * c + ch) * s + j];
                }
            }
            mu /= m;
            double var = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double d = x[(i * c + ch) * s + j] - mu;
                    var += d * d;
                }
            }
            double rs = 1.0 / Math.sqrt(var / m + eps);
            mean[ch] = mu;
            rstd[ch] = rs;
            double g = gamma == null ? 1 : gamma[ch];
            double b = beta == null ? 0 : beta[ch];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    out[k] = (x[k] - mu) * rs * g + b;
                }
            }
        }
    }

    static void batchNormBackward(double[] x, double[] gamma, double[] mean, double[] rstd, double[] gy, double[] gx,
                                  double[] ggamma, double[] gbeta, int n, int c, int s) {
        double m = (double) n * s;
        for (int ch = 0; ch < c; ch++) {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    sumDy += gy[k];
                    sumDyXhat += gy[k] * (x[k] - mean[ch]) * rstd[ch];
                }
            }
            if (ggamma != null) {
                ggamma[ch] = sumDyXhat;
            }
            if (gbeta != null) {
                gbeta[ch] = sumDy;
            }
            double scale = (gamma == null ? 1 : gamma[ch]) * rstd[ch] / m;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    double xhat = (x[k] - mean[ch]) * rstd[ch];
                    gx[k] = scale * (m * gy[k] - sumDy - xhat * sumDyXhat);
                }
            }
        }
    }

    static void layerNormBackward(double[] x, double[] gamma, double[] mean, double[] rstd, double[] gy, double[] gx,
                                  double[] ggamma, double[] gbeta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double sumD = 0;
            double sumDX = 0;
            for (int j = 0; j < cols; j++) {
                double xhat = (x[o + j] - mean[r]) * rstd[r];
                double dxhat = gy[o + j] * (gamma == null ? 1 : gamma[j]);
                sumD += dxhat;
                sumDX += dxhat * xhat;
                if (ggamma != null) {
                    ggamma[j] += gy[o + j] * xhat;
                }
                if (gbeta != null) {
                    gbeta[j] += gy[o + j];
                }
            }
            for (int j = 0; j < cols; j++) {
                double xhat = (x[o + j] - mean[r]) * rstd[r];
                double dxhat = gy[o + j] * (gamma == null ? 1 : gamma[j]);
                gx[o + j] = rstd[r] * (dxhat - sumD / cols - xhat * sumDX / cols);
            }
        }
    }

    /** Value of input pixel (c, y, x) of image n, or 0 in the padding. */
    private static double pixel(double[] x, ConvGeometry g, int n, int c, int y, int xx) {
        if (y < 0 || y >= g.h() || xx < 0 || xx >= g.w()) {
            return 0;
        }
        return x[((n * g.c() + c) * g.h() + y) * g.w() + xx];
    }

    /** Column of output pixel (oy, ox) of image n in the [C*kh*kw, N*oh*ow] unfolded matrix. */
    private static int col(ConvGeometry g, int n, int oy, int ox) {
        return (n * g.oh() + oy) * g.ow() + ox;
    }

    static void im2col(double[] x, ConvGeometry g, double[] cols) {
        int oh = g.oh();
        int ow = g.ow();
        int width = g.n() * oh * ow;
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.c(); c++) {
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        int row = (c * g.kh() + i) * g.kw() + j;
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                double v = pixel(x, g, n, c, oy * g.strideH() - g.padH() + i, ox * g.strideW() - g.padW() + j);
                                cols[row * width + col(g, n, oy, ox)] = v;
                            }
                        }
                    }
                }
            }
        }
    }

    static void col2im(double[] cols, ConvGeometry g, double[] x) {
        int oh = g.oh();
        int ow = g.ow();
        int width = g.n() * oh * ow;
        java.util.Arrays.fill(x, 0, g.n() * g.c() * g.h() * g.w(), 0.0);
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.c(); c++) {
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        int row = (c * g.kh() + i) * g.kw() + j;
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                int y = oy * g.strideH() - g.padH() + i;
                                int xx = ox * g.strideW() - g.padW() + j;
                                if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
                                    x[((n * g.c() + c) * g.h() + y) * g.w() + xx] += cols[row * width + col(g, n, oy, ox)];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static void maxPool2d(double[] x, ConvGeometry g, double[] out, double[] gy, double[] gx) {
        // Forward when gy == null; otherwise routes gy to the first maximum of each window.
        int oh = g.oh();
        int ow = g.ow();
        if (gx != null) {
            java.util.Arrays.fill(gx, 0.0);
        }
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.c(); c++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int i = 0; i < g.kh(); i++) {
                            for (int j = 0; j < g.kw(); j++) {
                                int y = oy * g.strideH() - g.padH() + i;
                                int xx = ox * g.strideW() - g.padW() + j;
                                if (y < 0 || y >= g.h() || xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                int idx = ((n * g.c() + c) * g.h() + y) * g.w() + xx;
                                if (x[idx] > best || arg < 0) {
                                    best = x[idx];
                                    arg = idx;
                                }
                            }
                        }
                        int o = ((n * g.c() + c) * oh + oy) * ow + ox;
                        if (gy == null) {
                            out[o] = best;
                        } else if (arg >= 0) {
                            gx[arg] += gy[o];
                        }
                    }
                }
            }
        }
    }

    static void avgPool2d(double[] x, ConvGeometry g, double[] out, double[] gy, double[] gx) {
        int oh = g.oh();
        int ow = g.ow();
        double inv = 1.0 / (g.kh() * g.kw());
        if (gx != null) {
            java.util.Arrays.fill(gx, 0.0);
        }
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.c(); c++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int o = ((n * g.c() + c) * oh + oy) * ow + ox;
                        double s = 0;
                        for (int i = 0; i < g.kh(); i++) {
                            for (int j = 0; j < g.kw(); j++) {
                                int y = oy * g.strideH() - g.padH() + i;
                                int xx = ox * g.strideW() - g.padW() + j;
                                if (y < 0 || y >= g.h() || xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                int idx = ((n * g.c() + c) * g.h() + y) * g.w() + xx;
                                if (gy == null) {
                                    s += x[idx];
                                } else {
                                    gx[idx] += gy[o] * inv;
                                }
                            }
                        }
                        if (gy == null) {
                            out[o] = s * inv;
                        }
                    }
                }
            }
        }
    }

    static void adamUpdate(double[] p, double[] g, double[] m, double[] v, int n, double lr, double b1, double b2,
                           double eps, double wd, boolean decoupled, long step) {
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < n; i++) {
            double gi = g[i];
            if (decoupled) {
                p[i] *= 1 - lr * wd;
            } else {
                gi += wd * p[i];
            }
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            p[i] -= lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps);
        }
    }
}

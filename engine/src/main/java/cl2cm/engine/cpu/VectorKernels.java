package cl2cm.engine.cpu;

import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.ReduceOp;
import cl2cm.engine.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 kernels on the Vector API: each loop runs whole vectors, then a scalar tail. Operators are written out per
 * case (never passed as variables) so that C2 intrinsifies every vector operation instead of boxing it.
 * Reference: each kernel computes what the same-named float64 loop of {@link ReferenceKernels} computes (e.g.
 * {@code softmax}, {@code layerNorm}, {@code adamUpdate}); {@code BackendParityTest} holds them together.
 */
final class VectorKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final int GRAIN = 1 << 14;

    private VectorKernels() {
    }

    // ---- unary -------------------------------------------------------------------------------------------------

    static void unary(UnaryOp op, double p, double q, float[] x, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (s, e) -> unaryRange(op, (float) p, (float) q, x, out, s, e));
    }

    private static void unaryRange(UnaryOp op, float p, float q, float[] x, float[] out, int s, int e) {
        int i = s;
        int bound = s + (e - s) / L * L;
        switch (op) {
            case NEG -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).neg().intoArray(out, i);
                }
            }
            case EXP -> {
                for (; i < bound; i += L) {
                    exp(FloatVector.fromArray(S, x, i)).intoArray(out, i);
                }
            }
            case LOG -> {
                for (; i < bound; i += L) {
                    log(FloatVector.fromArray(S, x, i)).intoArray(out, i);
                }
            }
            case SQRT -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).sqrt().intoArray(out, i);
                }
            }
            case ABS -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).abs().intoArray(out, i);
                }
            }
            case TANH -> {
                for (; i < bound; i += L) {
                    tanh(FloatVector.fromArray(S, x, i)).intoArray(out, i);
                }
            }
            case SIGMOID -> {
                for (; i < bound; i += L) {
                    FloatVector v = exp(FloatVector.fromArray(S, x, i).neg()).add(1f);
                    FloatVector.broadcast(S, 1f).div(v).intoArray(out, i);
                }
            }
            case RELU -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).max(0f).intoArray(out, i);
                }
            }
            case AFFINE -> {
                FloatVector vp = FloatVector.broadcast(S, p);
                FloatVector vq = FloatVector.broadcast(S, q);
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).fma(vp, vq).intoArray(out, i);
                }
            }
            case GELU_TANH -> {
                float c = (float) Math.sqrt(2.0 / Math.PI);
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector u = v.mul(v).mul(0.044715f).add(1f).mul(v).mul(c);
                    tanh(u).add(1f).mul(v).mul(0.5f).intoArray(out, i);
                }
            }
            case GELU_ERF -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    erf(v.mul(INV_SQRT2)).add(1f).mul(v).mul(0.5f).intoArray(out, i);
                }
            }
            case GELU_ERF_GRAD -> {
                for (; i < bound; i += L) {
                    geluErfGrad(FloatVector.fromArray(S, x, i)).intoArray(out, i);
                }
            }
            default -> {
                // Less common ops run scalar.
            }
        }
        for (; i < e; i++) {
            out[i] = (float) op.apply(x[i], p, q);
        }
    }

    /** GELU'(x), exact form: Phi(x) + x phi(x). */
    private static FloatVector geluErfGrad(FloatVector v) {
        FloatVector pdf = exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
        return erf(v.mul(INV_SQRT2)).add(1f).mul(0.5f).add(v.mul(pdf));
    }

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /**
     * erf for float32 (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7, i.e. float32 rounding):
     * erf(|x|) = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-x^2) with t = 1 / (1 + p |x|).
     */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(ax.mul(0.3275911f).add(1f));
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f).mul(t).add(1.421413741f).mul(t).add(-0.284496736f)
                .mul(t).add(0.254829592f).mul(t);
        FloatVector y = FloatVector.broadcast(S, 1f).sub(poly.mul(exp(ax.mul(ax).neg())));
        return y.blend(y.neg(), x.lt(0f));
    }

    // ---- deterministic transcendental functions and sums ----------------------------------------------------------
    // VectorOperators.EXP/LOG/TANH and reduceLanes(ADD) give different bits interpreted and C2-compiled (the compiled
    // code calls SVML stubs and reduces in a tree), so results depended on when the JIT got to a kernel: the same seed
    // gave different training runs under different CPU load. These use only +, *, fma, comparisons and bit
    // operations, which are exact in every mode.

    /** The lanes of v summed in lane order. */
    static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    /**
     * e^x (Cephes expf: x = n ln2 + r, |r| <= ln2 / 2, a polynomial for e^r, then 2^n through the exponent bits); relative error about 1e-7; 0 below -87.3, +inf above 88.7, NaN for NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87.33654f).min(88.72284f);
        // n = round(x / ln 2): adding and removing 1.5 * 2^23 rounds to the nearest integer in float arithmetic.
        FloatVector n = xc.mul(1.44269504088896341f).add(12582912f).sub(12582912f);
        FloatVector r = xc.sub(n.mul(0.693359375f)).sub(n.mul(-2.12194440e-4f));   // ln 2 split so n * C1 is exact
        FloatVector p = FloatVector.broadcast(S, 1.9875691500E-4f).fma(r, FloatVector.broadcast(S, 1.3981999507E-3f))
                .fma(r, FloatVector.broadcast(S, 8.3334519073E-3f)).fma(r, FloatVector.broadcast(S, 4.1665795894E-2f))
                .fma(r, FloatVector.broadcast(S, 1.6666665459E-1f)).fma(r, FloatVector.broadcast(S, 5.0000001201E-1f))
                .mul(r.mul(r)).add(r).add(1f);
        // 2^n as 2^(n/2) 2^(n - n/2): n reaches 128 near the top of the range, one exponent field does not.
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector y = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        y = y.blend(0f, x.lt(-87.33654f)).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72284f));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh x: x + x^3 P(x^2) for |x| < 0.625 (Cephes tanhf), else sign(x) (1 - e) / (1 + e) with e = e^(-2|x|). */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector e = exp(ax.mul(-2f));
        FloatVector big = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        big = big.blend(big.neg(), x.lt(0f));
        FloatVector z = x.mul(x);
        FloatVector small = FloatVector.broadcast(S, -5.70498872745E-3f).fma(z, FloatVector.broadcast(S, 2.06390887954E-2f))
                .fma(z, FloatVector.broadcast(S, -5.37397155531E-2f)).fma(z, FloatVector.broadcast(S, 1.33314422036E-1f))
                .fma(z, FloatVector.broadcast(S, -3.33332819422E-1f)).mul(z).mul(x).add(x);
        return big.blend(small, ax.lt(0.625f));
    }

    /** ln x, lane by lane through StrictMath (fdlibm): exact to the float in every mode; LOG is off the hot paths. */
    static FloatVector log(FloatVector x) {
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) StrictMath.log(v[i]);
        }
        return FloatVector.fromArray(S, v, 0);
    }

    // ---- binary on one strided run -----------------------------------------------------------------------------

    /** out[o..o+n) = op(a[ai + t*as], b[bi + t*bs]); strides are 0 (broadcast) or 1 on the fast paths. */
    static void binaryRun(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int o, int n) {
        int t = 0;
        if (as == 1 && bs == 1) {
            int bound = n / L * L;
            switch (op) {
                case ADD -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).add(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                case SUB -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).sub(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                case MUL -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).mul(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                case DIV -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).div(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                case RELU_BACKWARD -> {
                    FloatVector zero = FloatVector.zero(S);
                    for (; t < bound; t += L) {
                        FloatVector x = FloatVector.fromArray(S, a, ai + t);
                        zero.blend(FloatVector.fromArray(S, b, bi + t), x.compare(VectorOperators.GT, 0f))
                                .intoArray(out, o + t);
                    }
                }
                case GELU_ERF_BACKWARD -> {
                    for (; t < bound; t += L) {
                        geluErfGrad(FloatVector.fromArray(S, a, ai + t)).mul(FloatVector.fromArray(S, b, bi + t))
                                .intoArray(out, o + t);
                    }
                }
                default -> {
                }
            }
        } else if (as == 1 && bs == 0) {
            int bound = n / L * L;
            FloatVector vb = FloatVector.broadcast(S, b[bi]);
            switch (op) {
                case ADD -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).add(vb).intoArray(out, o + t);
                    }
                }
                case SUB -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).sub(vb).intoArray(out, o + t);
                    }
                }
                case MUL -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).mul(vb).intoArray(out, o + t);
                    }
                }
                case DIV -> {
                    for (; t < bound; t += L) {
                        FloatVector.fromArray(S, a, ai + t).div(vb).intoArray(out, o + t);
                    }
                }
                default -> {
                }
            }
        } else if (as == 0 && bs == 1) {
            int bound = n / L * L;
            FloatVector va = FloatVector.broadcast(S, a[ai]);
            switch (op) {
                case ADD -> {
                    for (; t < bound; t += L) {
                        va.add(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                case SUB -> {
                    for (; t < bound; t += L) {
                        va.sub(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                case MUL -> {
                    for (; t < bound; t += L) {
                        va.mul(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                case DIV -> {
                    for (; t < bound; t += L) {
                        va.div(FloatVector.fromArray(S, b, bi + t)).intoArray(out, o + t);
                    }
                }
                default -> {
                }
            }
        }
        for (; t < n; t++) {
            out[o + t] = (float) op.apply(a[ai + t * as], b[bi + t * bs]);
        }
    }

    // ---- in-place axpby ----------------------------------------------------------------------------------------

    static void axpby(float[] dst, float a, float[] src, float b, int n) {
        Parallel.forRange(n, GRAIN, (s, e) -> {
            int i = s;
            int bound = s + (e - s) / L * L;
            if (src == null) {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, dst, i).mul(a).intoArray(dst, i);
                }
                for (; i < e; i++) {
                    dst[i] = a * dst[i];
                }
                return;
            }
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, src, i).mul(b).add(FloatVector.fromArray(S, dst, i).mul(a)).intoArray(dst, i);
            }
            for (; i < e; i++) {
                dst[i] = a * dst[i] + b * src[i];
            }
        });
    }

    // ---- reductions --------------------------------------------------------------------------------------------

    static void reduce(ReduceOp op, float[] x, int outer, int len, int inner, float[] out) {
        boolean sum = op == ReduceOp.SUM;
        if (inner == 1) {
            Parallel.forRange(outer, Math.max(1, GRAIN / Math.max(1, len)), (s, e) -> {
                for (int o = s; o < e; o++) {
                    out[o] = sum ? sumRun(x, o * len, len) : maxRun(x, o * len, len);
                }
            });
            return;
        }
        Parallel.forRange(outer, Math.max(1, GRAIN / Math.max(1, len * inner)), (s, e) -> {
            for (int o = s; o < e; o++) {
                int base = o * len * inner;
                int ob = o * inner;
                System.arraycopy(x, base, out, ob, inner);
                for (int l = 1; l < len; l++) {
                    int xb = base + l * inner;
                    int j = 0;
                    int bound = inner / L * L;
                    if (sum) {
                        for (; j < bound; j += L) {
                            FloatVector.fromArray(S, out, ob + j).add(FloatVector.fromArray(S, x, xb + j))
                                    .intoArray(out, ob + j);
                        }
                    } else {
                        for (; j < bound; j += L) {
                            FloatVector.fromArray(S, out, ob + j).max(FloatVector.fromArray(S, x, xb + j))
                                    .intoArray(out, ob + j);
                        }
                    }
                    for (; j < inner; j++) {
                        out[ob + j] = sum ? out[ob + j] + x[xb + j] : Math.max(out[ob + j], x[xb + j]);
                    }
                }
            }
        });
    }

    static float sumRun(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = n / L * L;
        for (; i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        float s = sumLanes(acc);
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    static float maxRun(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        int bound = n / L * L;
        for (; i < bound; i += L) {
            acc = acc.max(FloatVector.fromArray(S, x, off + i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    private static float dotRun(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = n / L * L;
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    // ---- softmax -----------------------------------------------------------------------------------------------

    static void softmax(float[] x, float[] out, int rows, int cols, boolean log) {
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int o = r * cols;
                float max = maxRun(x, o, cols);
                // out = exp(x - max), summed on the way.
                FloatVector vmax = FloatVector.broadcast(S, max);
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                int bound = cols / L * L;
                for (; j < bound; j += L) {
                    FloatVector ev = exp(FloatVector.fromArray(S, x, o + j).sub(vmax));
                    if (!log) {
                        ev.intoArray(out, o + j);
                    }
                    acc = acc.add(ev);
                }
                float sum = sumLanes(acc);
                for (; j < cols; j++) {
                    float ev = (float) StrictMath.exp(x[o + j] - max);
                    if (!log) {
                        out[o + j] = ev;
                    }
                    sum += ev;
                }
                if (log) {
                    float shift = max + (float) StrictMath.log(sum);
                    affineRun(x, o, out, o, cols, 1f, -shift);
                } else {
                    affineRun(out, o, out, o, cols, 1f / sum, 0f);
                }
            }
        });
    }

    private static void affineRun(float[] x, int xo, float[] out, int oo, int n, float mul, float add) {
        FloatVector vm = FloatVector.broadcast(S, mul);
        FloatVector va = FloatVector.broadcast(S, add);
        int j = 0;
        int bound = n / L * L;
        for (; j < bound; j += L) {
            FloatVector.fromArray(S, x, xo + j).fma(vm, va).intoArray(out, oo + j);
        }
        for (; j < n; j++) {
            out[oo + j] = x[xo + j] * mul + add;
        }
    }

    static void softmaxBackward(float[] y, float[] gy, float[] gx, int rows, int cols, boolean log) {
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int o = r * cols;
                int j = 0;
                int bound = cols / L * L;
                if (log) {
                    // gx = gy - exp(y) * sum(gy)
                    float d = sumRun(gy, o, cols);
                    FloatVector dot = FloatVector.broadcast(S, d);
                    for (; j < bound; j += L) {
                        FloatVector ey = exp(FloatVector.fromArray(S, y, o + j));
                        FloatVector.fromArray(S, gy, o + j).sub(ey.mul(dot)).intoArray(gx, o + j);
                    }
                    for (; j < cols; j++) {
                        gx[o + j] = gy[o + j] - (float) StrictMath.exp(y[o + j]) * d;
                    }
                } else {
                    // gx = y * (gy - sum(gy * y))
                    float d = dotRun(gy, o, y, o, cols);
                    FloatVector dot = FloatVector.broadcast(S, d);
                    for (; j < bound; j += L) {
                        FloatVector vy = FloatVector.fromArray(S, y, o + j);
                        FloatVector.fromArray(S, gy, o + j).sub(dot).mul(vy).intoArray(gx, o + j);
                    }
                    for (; j < cols; j++) {
                        gx[o + j] = y[o + j] * (gy[o + j] - d);
                    }
                }
            }
        });
    }

    // ---- layer norm --------------------------------------------------------------------------------------------

    static void layerNorm(float[] x, float[] gamma, float[] beta, float[] out, float[] mean, float[] rstd, int rows,
                          int cols, float eps) {
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int o = r * cols;
                float mu = sumRun(x, o, cols) / cols;
                FloatVector vmu = FloatVector.broadcast(S, mu);
                float var = squaredDeviationRun(x, o, cols, mu) / cols;
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                mean[r] = mu;
                rstd[r] = rs;
                FloatVector vrs = FloatVector.broadcast(S, rs);
                int j = 0;
                int bound = cols / L * L;
                for (; j < bound; j += L) {
                    FloatVector y = FloatVector.fromArray(S, x, o + j).sub(vmu).mul(vrs);
                    if (gamma != null) {
                        y = y.mul(FloatVector.fromArray(S, gamma, j));
                    }
                    if (beta != null) {
                        y = y.add(FloatVector.fromArray(S, beta, j));
                    }
                    y.intoArray(out, o + j);
                }
                for (; j < cols; j++) {
                    float y = (x[o + j] - mu) * rs;
                    out[o + j] = y * (gamma == null ? 1f : gamma[j]) + (beta == null ? 0f : beta[j]);
                }
            }
        });
    }

    /** Per channel (in parallel): sums over its n rows of s values in float vectors, totals in double. */
    static void batchNorm(float[] x, float[] gamma, float[] beta, float[] out, float[] mean, float[] rstd, int n,
                          int c, int s, float eps) {
        double m = (double) n * s;
        Parallel.forRange(c, Math.max(1, GRAIN / Math.max(1, n * s)), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += sumRun(x, (i * c + ch) * s, s);
                }
                float mu = (float) (sum / m);
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    sq += squaredDeviationRun(x, (i * c + ch) * s, s, mu);
                }
                float rs = (float) (1.0 / Math.sqrt(sq / m + eps));
                mean[ch] = mu;
                rstd[ch] = rs;
                float g = gamma == null ? 1f : gamma[ch];
                float b = beta == null ? 0f : beta[ch];
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    affineRun(x, o, out, o, s, rs * g, b - mu * rs * g);
                }
            }
        });
    }

    static void batchNormBackward(float[] x, float[] gamma, float[] mean, float[] rstd, float[] gy, float[] gx,
                                  float[] ggamma, float[] gbeta, int n, int c, int s) {
        double m = (double) n * s;
        Parallel.forRange(c, Math.max(1, GRAIN / Math.max(1, n * s)), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double sumDy = 0;
                double sumDyX = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    sumDy += sumRun(gy, o, s);
                    sumDyX += dotRun(gy, o, x, o, s);
                }
                double rs = rstd[ch];
                double sumDyXhat = rs * (sumDyX - mean[ch] * sumDy);
                if (ggamma != null) {
                    ggamma[ch] = (float) sumDyXhat;
                }
                if (gbeta != null) {
                    gbeta[ch] = (float) sumDy;
                }
                // gx = k (m gy - sumDy - xhat sumDyXhat) = a gy + b x + d, xhat = (x - mean) rstd
                double k = (gamma == null ? 1 : gamma[ch]) * rs / m;
                float a = (float) (k * m);
                float b = (float) (-k * sumDyXhat * rs);
                float d = (float) (-k * sumDy + k * sumDyXhat * rs * mean[ch]);
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    linearRun(gy, x, gx, o, s, a, b, d);
                }
            }
        });
    }

    /** Sum of (x - mu)^2 over a run. */
    private static float squaredDeviationRun(float[] x, int off, int n, float mu) {
        FloatVector vmu = FloatVector.broadcast(S, mu);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = n / L * L;
        for (; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(vmu);
            acc = d.fma(d, acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) {
            float d = x[off + i] - mu;
            s += d * d;
        }
        return s;
    }

    /** out = a * u + b * v + d over a run at the same offset of all three. */
    private static void linearRun(float[] u, float[] v, float[] out, int off, int n, float a, float b, float d) {
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector vb = FloatVector.broadcast(S, b);
        FloatVector vd = FloatVector.broadcast(S, d);
        int i = 0;
        int bound = n / L * L;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, u, off + i).fma(va, FloatVector.fromArray(S, v, off + i).fma(vb, vd))
                    .intoArray(out, off + i);
        }
        for (; i < n; i++) {
            out[off + i] = a * u[off + i] + (b * v[off + i] + d);
        }
    }

    static void layerNormBackward(float[] x, float[] gamma, float[] mean, float[] rstd, float[] gy, float[] gx,
                                  float[] ggamma, float[] gbeta, int rows, int cols) {
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int o = r * cols;
                float mu = mean[r];
                float rs = rstd[r];
                float sumD = 0;
                float sumDX = 0;
                for (int j = 0; j < cols; j++) {
                    float xhat = (x[o + j] - mu) * rs;
                    float dxhat = gy[o + j] * (gamma == null ? 1f : gamma[j]);
                    sumD += dxhat;
                    sumDX += dxhat * xhat;
                }
                float a = sumD / cols;
                float b = sumDX / cols;
                for (int j = 0; j < cols; j++) {
                    float xhat = (x[o + j] - mu) * rs;
                    float dxhat = gy[o + j] * (gamma == null ? 1f : gamma[j]);
                    gx[o + j] = rs * (dxhat - a - xhat * b);
                }
            }
        });
        if (ggamma == null && gbeta == null) {
            return;
        }
        // Parameter gradients: columns in parallel, rows in a fixed order (deterministic).
        Parallel.forRange(cols, 64, (s, e) -> {
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                for (int j = s; j < e; j++) {
                    if (ggamma != null) {
                        ggamma[j] += gy[o + j] * (x[o + j] - mean[r]) * rstd[r];
                    }
                    if (gbeta != null) {
                        gbeta[j] += gy[o + j];
                    }
                }
            }
        });
    }

    // ---- Adam --------------------------------------------------------------------------------------------------

    static void adamUpdate(float[] p, float[] g, float[] m, float[] v, int n, double lr, double b1, double b2,
                           double eps, double wd, boolean decoupled, long step) {
        float bc1 = (float) (1 - Math.pow(b1, step));
        float bc2 = (float) (1 - Math.pow(b2, step));
        float flr = (float) lr;
        float fb1 = (float) b1;
        float fb2 = (float) b2;
        float feps = (float) eps;
        float decay = decoupled ? (float) (1 - lr * wd) : 1f;
        float l2 = decoupled ? 0f : (float) wd;
        float stepSize = flr / bc1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        Parallel.forRange(n, GRAIN, (s, e) -> {
            int i = s;
            int bound = s + (e - s) / L * L;
            for (; i < bound; i += L) {
                FloatVector vp = FloatVector.fromArray(S, p, i);
                FloatVector vg = FloatVector.fromArray(S, g, i).add(vp.mul(l2));
                vp = vp.mul(decay);
                FloatVector vm = FloatVector.fromArray(S, m, i).mul(fb1).add(vg.mul(1 - fb1));
                FloatVector vv = FloatVector.fromArray(S, v, i).mul(fb2).add(vg.mul(vg).mul(1 - fb2));
                vm.intoArray(m, i);
                vv.intoArray(v, i);
                FloatVector denom = vv.sqrt().mul(invSqrtBc2).add(feps);
                vp.sub(vm.div(denom).mul(stepSize)).intoArray(p, i);
            }
            for (; i < e; i++) {
                float gi = g[i] + l2 * p[i];
                p[i] *= decay;
                m[i] = fb1 * m[i] + (1 - fb1) * gi;
                v[i] = fb2 * v[i] + (1 - fb2) * gi * gi;
                p[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) * invSqrtBc2 + feps);
            }
        });
    }
}

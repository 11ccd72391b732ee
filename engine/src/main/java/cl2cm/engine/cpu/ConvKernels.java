package cl2cm.engine.cpu;

import cl2cm.engine.backend.ConvGeometry;

/**
 * float32 unfold/fold and pooling over NCHW images, parallel over (image, channel) planes. Inner loops walk output
 * columns with a fixed input stride; the padding test is hoisted out of them wherever the whole row is inside.
 * Reference: the same-named float64 loops of {@link ReferenceKernels} ({@code im2col}, {@code col2im},
 * {@code maxPool2d}, {@code avgPool2d}), which {@code BackendParityTest} compares them with.
 */
final class ConvKernels {
    private ConvKernels() {
    }

    /** cols [C*kh*kw, N*oh*ow] from x [N, C, H, W]; parallel over unfolded rows, each written contiguously. */
    static void im2col(float[] x, ConvGeometry g, float[] cols) {
        int oh = g.oh();
        int ow = g.ow();
        int width = g.n() * oh * ow;
        int rows = g.c() * g.kh() * g.kw();
        Parallel.forRange(rows, 1, (s, e) -> {
            for (int row = s; row < e; row++) {
                int c = row / (g.kh() * g.kw());
                int i = row / g.kw() % g.kh();
                int j = row % g.kw();
                for (int n = 0; n < g.n(); n++) {
                    int xBase = (n * g.c() + c) * g.h() * g.w();
                    int dst = row * width + n * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * g.strideH() - g.padH() + i;
                        int d = dst + oy * ow;
                        if (y < 0 || y >= g.h()) {
                            java.util.Arrays.fill(cols, d, d + ow, 0f);
                            continue;
                        }
                        int src = xBase + y * g.w();
                        for (int ox = 0; ox < ow; ox++) {
                            int xx = ox * g.strideW() - g.padW() + j;
                            cols[d + ox] = xx >= 0 && xx < g.w() ? x[src + xx] : 0f;
                        }
                    }
                }
            }
        });
    }

    /** x [N, C, H, W] = sum of the cols entries that came from each pixel (overwrites x); parallel over channels. */
    static void col2im(float[] cols, ConvGeometry g, float[] x) {
        int oh = g.oh();
        int ow = g.ow();
        int width = g.n() * oh * ow;
        Parallel.forRange(g.c(), 1, (s, e) -> {
            for (int c = s; c < e; c++) {
                for (int n = 0; n < g.n(); n++) {
                    int base = (n * g.c() + c) * g.h() * g.w();
                    java.util.Arrays.fill(x, base, base + g.h() * g.w(), 0f);
                }
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        int row = (c * g.kh() + i) * g.kw() + j;
                        for (int n = 0; n < g.n(); n++) {
                            int xBase = (n * g.c() + c) * g.h() * g.w();
                            int src = row * width + n * oh * ow;
                            for (int oy = 0; oy < oh; oy++) {
                                int y = oy * g.strideH() - g.padH() + i;
                                if (y < 0 || y >= g.h()) {
                                    continue;
                                }
                                int dst = xBase + y * g.w();
                                int so = src + oy * ow;
                                for (int ox = 0; ox < ow; ox++) {
                                    int xx = ox * g.strideW() - g.padW() + j;
                                    if (xx >= 0 && xx < g.w()) {
                                        x[dst + xx] += cols[so + ox];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** Max pooling forward (gy == null) or backward into gx (first maximum of each window gets the gradient). */
    static void maxPool2d(float[] x, ConvGeometry g, float[] out, float[] gy, float[] gx) {
        int oh = g.oh();
        int ow = g.ow();
        Parallel.forRange(g.n() * g.c(), 1, (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                int xBase = plane * g.h() * g.w();
                int oBase = plane * oh * ow;
                if (gx != null) {
                    java.util.Arrays.fill(gx, xBase, xBase + g.h() * g.w(), 0f);
                }
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int i = 0; i < g.kh(); i++) {
                            int y = oy * g.strideH() - g.padH() + i;
                            if (y < 0 || y >= g.h()) {
                                continue;
                            }
                            for (int j = 0; j < g.kw(); j++) {
                                int xx = ox * g.strideW() - g.padW() + j;
                                if (xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                int idx = xBase + y * g.w() + xx;
                                if (x[idx] > best || arg < 0) {
                                    best = x[idx];
                                    arg = idx;
                                }
                            }
                        }
                        int o = oBase + oy * ow + ox;
                        if (gy == null) {
                            out[o] = best;
                        } else if (arg >= 0) {
                            gx[arg] += gy[o];
                        }
                    }
                }
            }
        });
    }

    /** Average pooling forward (gy == null) or backward into gx; the divisor is always kh*kw. */
    static void avgPool2d(float[] x, ConvGeometry g, float[] out, float[] gy, float[] gx) {
        int oh = g.oh();
        int ow = g.ow();
        float inv = 1f / (g.kh() * g.kw());
        Parallel.forRange(g.n() * g.c(), 1, (s, e) -> {
            for (int plane = s; plane < e; plane++) {
                int xBase = plane * g.h() * g.w();
                int oBase = plane * oh * ow;
                if (gx != null) {
                    java.util.Arrays.fill(gx, xBase, xBase + g.h() * g.w(), 0f);
                }
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int o = oBase + oy * ow + ox;
                        float acc = 0f;
                        for (int i = 0; i < g.kh(); i++) {
                            int y = oy * g.strideH() - g.padH() + i;
                            if (y < 0 || y >= g.h()) {
                                continue;
                            }
                            for (int j = 0; j < g.kw(); j++) {
                                int xx = ox * g.strideW() - g.padW() + j;
                                if (xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                int idx = xBase + y * g.w() + xx;
                                if (gy == null) {
                                    acc += x[idx];
                                } else {
                                    gx[idx] += gy[o] * inv;
                                }
                            }
                        }
                        if (gy == null) {
                            out[o] = acc * inv;
                        }
                    }
                }
            }
        });
    }
}

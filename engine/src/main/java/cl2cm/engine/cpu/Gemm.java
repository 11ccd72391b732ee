package cl2cm.engine.cpu;

import cl2cm.engine.backend.MatOperand;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 GEMM, BLIS-style: C[b] = alpha * A[b] B[b] + beta * C[b].
 *
 * <pre>
 * for jc in N by NC:                  B panel kc x nc packed into NR-wide column slivers (L3)
 *   for pc in K by KC:
 *     for ic in M by MC (threads):    A block mc x kc packed into MR-tall row slivers (L2)
 *       for jr in nc by NR:
 *         for ir in mc by MR:         micro-kernel: MR x NR accumulators in registers, kc rank-1 updates (L1)
 * </pre>
 * Packing reads A and B through arbitrary strides, so transposed operands cost nothing extra, and pads partial
 * slivers with zeros so the micro-kernel never branches on edges; only the final store of an edge tile is masked.
 * Reference: {@link ReferenceKernels}'s {@code gemm}, the plain float64 triple loop; {@code GemmTest} and
 * {@code BackendParityTest} compare the two on shapes around every tile and block edge.
 */
final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Rows of the micro-tile. Its 2 x MR accumulators, the two vectors of B's row and the broadcast values of A must
     * fit the vector registers, or C2 spills an accumulator to the stack and the kernel runs at about half speed:
     * 6 rows (15 of 16 registers) where there are 16 (AVX2), 12 where there are 32 (AVX-512, known by its 16-lane
     * float vectors; measured 1.10-1.18x over 6 rows on the GPU host's Xeon). The system property
     * {@code cl2cm.gemm.rows} (6 or 12) overrides the choice, so that every machine can test both kernels.
     */
    static final int MR = microTileRows();
    static final int NR = 2 * L;
    private static final int KC = 512;
    /**
     * The k block when B is read in place (small M): each micro-kernel call then walks kc rows of B that are a whole
     * row of B apart, a page each for wide B, and 256 of them stay in the TLB where 512 do not (measured: 64x4096x1024
     * at 23 vs 17 GFLOP/s; packed products prefer 512: 1024^3 at 41-62 vs 37).
     */
    private static final int KC_DIRECT = 256;
    private static final int MC = 96;   // multiple of MR (6 and 12)
    private static final int NC = 2048; // multiple of NR for every vector width

    private static final ThreadLocal<float[]> A_PACK = ThreadLocal.withInitial(() -> new float[MC * KC]);
    /** All of A's blocks for one k block, packed once when several tasks share each block (see single()). */
    private static final ThreadLocal<float[]> A_SHARED = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> B_PACK = ThreadLocal.withInitial(() -> new float[KC * NC]);
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);
    private static final ThreadLocal<float[]> EDGE_B = ThreadLocal.withInitial(() -> new float[KC * NR]);

    private Gemm() {
    }

    private static int microTileRows() {
        String p = System.getProperty("cl2cm.gemm.rows", "").trim();
        return switch (p) {
            case "" -> L >= 16 ? 12 : 6;
            case "6", "12" -> Integer.parseInt(p);
            default -> throw new IllegalArgumentException("system property cl2cm.gemm.rows must be 6 or 12, got '" + p
                    + "'");
        };
    }

    static void gemm(int batch, int m, int n, int k, float alpha, MatOperand a, float[] av, MatOperand b, float[] bv,
                     float beta, float[] c, int cOff) {
        if (m == 0 || n == 0) {
            return;
        }
        long work = (long) m * n * Math.max(k, 1);
        if (batch > 1 && (m <= MC || work < (1 << 18))) {
            // Many small products (attention heads): one product per task.
            Parallel.forRange(batch, 1, (s, e) -> {
                for (int bi = s; bi < e; bi++) {
                    single(bi, m, n, k, alpha, a, av, b, bv, beta, c, cOff + bi * m * n, false);
                }
            });
            return;
        }
        for (int bi = 0; bi < batch; bi++) {
            single(bi, m, n, k, alpha, a, av, b, bv, beta, c, cOff + bi * m * n, true);
        }
    }

    private static void single(int bi, int m, int n, int k, float alpha, MatOperand a, float[] av, MatOperand b,
                               float[] bv, float beta, float[] c, int cOff, boolean parallel) {
        if (k == 0 || alpha == 0) {
            scale(c, cOff, m, n, n, beta);
            return;
        }
        long aBase = a.batchOffset(bi);
        long bBase = b.batchOffset(bi);
        int mBlocks = (m + MC - 1) / MC;
        // With a single block of rows each B element is used by at most MC / MR slivers of A, so copying B into the
        // packed panel costs about as much as it saves: the micro-kernel then reads rows of B in place (unit column
        // stride), and only ragged edge slivers are copied.
        boolean direct = m <= MC && b.colStride() == 1;
        // Equal k blocks: 288 as 144 + 144 rather than 256 + 32, whose short block would be all C traffic.
        int kMax = direct ? KC_DIRECT : KC;
        int kBlock = (k + (k + kMax - 1) / kMax - 1) / Math.max(1, (k + kMax - 1) / kMax);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int slivers = (nc + NR - 1) / NR;
            // Split columns too until there are about four tasks per thread (small M: conv weight gradients; 1024
            // rows are only 11 blocks), so that threads taking tasks as they finish end together.
            int nSplit = parallel ? Math.max(1, Math.min(slivers, (4 * Parallel.threads() + mBlocks - 1) / mBlocks)) : 1;
            for (int pc = 0; pc < k; pc += kBlock) {
                int kc = Math.min(kBlock, k - pc);
                long bOff = bBase + pc * b.rowStride() + jc * b.colStride();
                final float[] bSrc = direct ? bv : B_PACK.get(); // the caller's buffer; workers only read it
                final int bLd = direct ? (int) b.rowStride() : NR;
                final long bStart = direct ? bOff : 0;
                if (direct) {
                    // nothing to pack
                } else if (parallel) {
                    Parallel.forRange(slivers, 4, (s, e) -> packB(bv, bOff, (int) b.rowStride(), (int) b.colStride(),
                            kc, nc, bSrc, s, e));
                } else {
                    packB(bv, bOff, (int) b.rowStride(), (int) b.colStride(), kc, nc, bSrc, 0, slivers);
                }
                final int fjc = jc;
                final int fpc = pc;
                final long aOff = aBase + pc * a.colStride();
                // A block shared by several column tasks is packed once, up front, rather than again by each of its
                // tasks (at 16 threads a 1024^3 product's blocks are split 6 ways).
                final float[] aShared = nSplit > 1 ? sharedA(mBlocks * MC * kc) : null;
                if (aShared != null) {
                    Parallel.forEachTask(mBlocks, blk -> packA(av, aOff + blk * MC * a.rowStride(), (int) a.rowStride(),
                            (int) a.colStride(), Math.min(MC, m - blk * MC), kc, alpha, aShared, blk * MC * kc));
                }
                Parallel.Task body = task -> {
                    int blk = task / nSplit;
                    int part = task % nSplit;
                    int j0 = (int) ((long) slivers * part / nSplit) * NR;
                    int j1 = Math.min(nc, (int) ((long) slivers * (part + 1) / nSplit) * NR);
                    int ic = blk * MC;
                    int mc = Math.min(MC, m - ic);
                    float[] ap = aShared;
                    int apOff = blk * MC * kc;
                    if (ap == null) {
                        ap = A_PACK.get();
                        apOff = 0;
                        packA(av, aOff + ic * a.rowStride(), (int) a.rowStride(), (int) a.colStride(), mc, kc, alpha,
                                ap, 0);
                    }
                    if (fpc == 0) {
                        // beta on this task's own block of C, just before it accumulates there: spread over the
                        // threads and still in cache, where one thread used to scale all of C before the others began
                        scale(c, cOff + ic * n + fjc + j0, mc, j1 - j0, n, beta);
                    }
                    macroKernel(mc, j0, j1, kc, ap, apOff, !direct, bSrc, bStart, bLd, c, cOff + ic * n + fjc, n,
                            EDGE.get(), EDGE_B.get());
                };
                if (parallel) {
                    Parallel.forEachTask(mBlocks * nSplit, body);
                } else {
                    for (int task = 0; task < mBlocks * nSplit; task++) {
                        body.run(task);
                    }
                }
            }
        }
    }

    private static float[] sharedA(int size) {
        float[] buf = A_SHARED.get();
        if (buf.length < size) {
            buf = new float[size];
            A_SHARED.set(buf);
        }
        return buf;
    }

    /** C[0:rows, 0:cols] *= beta, C's rows ldc apart from off; beta 0 writes zeros (NaN in C does not survive). */
    private static void scale(float[] c, int off, int rows, int cols, int ldc, float beta) {
        if (beta == 1f) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int from = off + r * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, from, from + cols, 0f);
            } else {
                for (int i = from; i < from + cols; i++) {
                    c[i] *= beta;
                }
            }
        }
    }

    /**
     * Packs slivers [s0, s1) of a kc x nc block of B; sliver s holds NR columns for rows p = 0..kc-1, NR values each.
     */
    private static void packB(float[] bv, long base, int rs, int cs, int kc, int nc, float[] bp, int s0, int s1) {
        for (int sl = s0; sl < s1; sl++) {
            int j0 = sl * NR;
            int w = Math.min(NR, nc - j0);
            int dst = sl * kc * NR;
            if (rs == 1 && cs != 1) {
                // B^T stored row-major (a Linear's weight): walk each column along k, reading memory in order.
                for (int j = 0; j < NR; j++) {
                    if (j >= w) {
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR + j] = 0f;
                        }
                        continue;
                    }
                    int src = (int) (base + (long) (j0 + j) * cs);
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR + j] = bv[src + p];
                    }
                }
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int src = (int) (base + (long) p * rs + (long) j0 * cs);
                int d = dst + p * NR;
                if (cs == 1) {
                    System.arraycopy(bv, src, bp, d, w);
                } else {
                    for (int j = 0; j < w; j++) {
                        bp[d + j] = bv[src + j * cs];
                    }
                }
                for (int j = w; j < NR; j++) {
                    bp[d + j] = 0f;
                }
            }
        }
    }

    /**
     * Packs an mc x kc block of alpha*A into slivers of MR rows from ap[apOff]: sliver s holds, for each p, MR values.
     */
    private static void packA(float[] av, long base, int rs, int cs, int mc, int kc, float alpha, float[] ap,
                              int apOff) {
        int slivers = (mc + MR - 1) / MR;
        if (rs == 1 && cs != 1) {
            // A^T stored row-major (weight gradients take g^T): each k's mc values are one run of memory. Read each
            // run once, front to back, and deal it out to the slivers (sliver by sliver, every run was fetched again
            // for each sliver that shares its cache lines).
            for (int p = 0; p < kc; p++) {
                int src = (int) (base + (long) p * cs);
                for (int sl = 0; sl < slivers; sl++) {
                    int i0 = sl * MR;
                    int h = Math.min(MR, mc - i0);
                    int d = apOff + sl * kc * MR + p * MR;
                    for (int i = 0; i < MR; i++) {
                        ap[d + i] = i < h ? alpha * av[src + i0 + i] : 0f;
                    }
                }
            }
            return;
        }
        for (int sl = 0; sl < slivers; sl++) {
            int i0 = sl * MR;
            int h = Math.min(MR, mc - i0);
            int dst = apOff + sl * kc * MR;
            for (int i = 0; i < MR; i++) {
                if (i >= h) {
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR + i] = 0f;
                    }
                    continue;
                }
                int src = (int) (base + (long) (i0 + i) * rs);
                for (int p = 0; p < kc; p++) {
                    ap[dst + p * MR + i] = alpha * av[src + p * cs];
                }
            }
        }
    }

    /**
     * C[0:mc, j0:j1] += Apack * B over columns j0..j1 (j0 a multiple of NR), A's packed block at ap[apOff]. B is either
     * the packed panel ({@code packed}, sliver s at s * kc * NR) or B itself read in place (row p of column j at
     * {@code bStart + p * bLd + j}); in place, a ragged last sliver is first copied, zero-padded, into {@code edgeB}.
     */
    private static void macroKernel(int mc, int j0, int j1, int kc, float[] ap, int apOff, boolean packed, float[] b,
                                    long bStart, int bLd, float[] c, int cOff, int ldc, float[] edge, float[] edgeB) {
        for (int jr = j0; jr < j1; jr += NR) {
            int w = Math.min(NR, j1 - jr);
            float[] bArr = b;
            int bOff;
            int ld = bLd;
            if (packed) {
                bOff = (jr / NR) * kc * NR;
            } else if (w == NR) {
                bOff = (int) (bStart + jr);
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = (int) (bStart + (long) p * bLd + jr);
                    System.arraycopy(b, src, edgeB, p * NR, w);
                    java.util.Arrays.fill(edgeB, p * NR + w, (p + 1) * NR, 0f);
                }
                bArr = edgeB;
                bOff = 0;
                ld = NR;
            }
            for (int ir = 0; ir < mc; ir += MR) {
                int h = Math.min(MR, mc - ir);
                int aOff = apOff + (ir / MR) * kc * MR;
                int co = cOff + ir * ldc + jr;
                if (h == MR && w == NR) {
                    microKernel(kc, ap, aOff, bArr, bOff, ld, c, co, ldc);
                } else {
                    java.util.Arrays.fill(edge, 0f);
                    microKernel(kc, ap, aOff, bArr, bOff, ld, edge, 0, NR);
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            c[co + i * ldc + j] += edge[i * NR + j];
                        }
                    }
                }
            }
        }
    }

    /** C[0:MR, 0:NR] += Apanel(MR x kc) * B(kc x NR), B's row p at {@code bOff + p * ldb} (NR for a packed panel). */
    private static void microKernel(int kc, float[] ap, int aOff, float[] bp, int bOff, int ldb, float[] c, int co,
                                    int ldc) {
        if (MR == 12) {
            microKernel12(kc, ap, aOff, bp, bOff, ldb, c, co, ldc);
        } else {
            microKernel6(kc, ap, aOff, bp, bOff, ldb, c, co, ldc);
        }
    }

    /** The 6-row tile: twelve vector accumulators. */
    private static void microKernel6(int kc, float[] ap, int aOff, float[] bp, int bOff, int ldb, float[] c, int co,
                                    int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // Unrolled by two by hand. One rank-1 update per iteration ran at 36 GFLOP/s on the AVX2 development machine
        // against 90 for this: in that loop C2 hoists the bounds checks, issues the six broadcasts early, and with 16
        // registers spills one accumulator to the stack (-XX:+PrintAssembly), putting a store and reload on its chain.
        // Here the checks stay in the loop and keep C2's order.
        int p = 0;
        for (; p + 1 < kc; p += 2) {
            int a = aOff + p * MR;
            int b = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            a = aOff + (p + 1) * MR;
            b = bOff + (p + 1) * ldb;
            b0 = FloatVector.fromArray(S, bp, b);
            b1 = FloatVector.fromArray(S, bp, b + L);
            x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        for (; p < kc; p++) {
            int a = aOff + p * MR;
            int b = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // Stores written out here: a helper taking vectors as arguments is not inlined into this large method,
        // and passing vectors to a real call boxes them.
        FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
        FloatVector.fromArray(S, c, co + L).add(c01).intoArray(c, co + L);
        FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
        FloatVector.fromArray(S, c, co + ldc + L).add(c11).intoArray(c, co + ldc + L);
        FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
        FloatVector.fromArray(S, c, co + 2 * ldc + L).add(c21).intoArray(c, co + 2 * ldc + L);
        FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
        FloatVector.fromArray(S, c, co + 3 * ldc + L).add(c31).intoArray(c, co + 3 * ldc + L);
        FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
        FloatVector.fromArray(S, c, co + 4 * ldc + L).add(c41).intoArray(c, co + 4 * ldc + L);
        FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
        FloatVector.fromArray(S, c, co + 5 * ldc + L).add(c51).intoArray(c, co + 5 * ldc + L);
    }

    /**
     * The 12-row tile: 24 vector accumulators. One rank-1 update per iteration: with 32 registers C2 keeps them all
     * even when it hoists the loads of the next update, which unrolling by two made it spill (measured on AVX-512).
     */
    private static void microKernel12(int kc, float[] ap, int aOff, float[] bp, int bOff, int ldb, float[] c, int co,
                                      int ldc) {
        FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
        FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
        FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
        FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
        FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
        FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
        FloatVector c6a = FloatVector.zero(S), c6b = FloatVector.zero(S);
        FloatVector c7a = FloatVector.zero(S), c7b = FloatVector.zero(S);
        FloatVector c8a = FloatVector.zero(S), c8b = FloatVector.zero(S);
        FloatVector c9a = FloatVector.zero(S), c9b = FloatVector.zero(S);
        FloatVector c10a = FloatVector.zero(S), c10b = FloatVector.zero(S);
        FloatVector c11a = FloatVector.zero(S), c11b = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int a = aOff + p * 12;
            int b = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, ap[a]);
            c0a = x.fma(b0, c0a);
            c0b = x.fma(b1, c0b);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c1a = x.fma(b0, c1a);
            c1b = x.fma(b1, c1b);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c2a = x.fma(b0, c2a);
            c2b = x.fma(b1, c2b);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c3a = x.fma(b0, c3a);
            c3b = x.fma(b1, c3b);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c4a = x.fma(b0, c4a);
            c4b = x.fma(b1, c4b);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c5a = x.fma(b0, c5a);
            c5b = x.fma(b1, c5b);
            x = FloatVector.broadcast(S, ap[a + 6]);
            c6a = x.fma(b0, c6a);
            c6b = x.fma(b1, c6b);
            x = FloatVector.broadcast(S, ap[a + 7]);
            c7a = x.fma(b0, c7a);
            c7b = x.fma(b1, c7b);
            x = FloatVector.broadcast(S, ap[a + 8]);
            c8a = x.fma(b0, c8a);
            c8b = x.fma(b1, c8b);
            x = FloatVector.broadcast(S, ap[a + 9]);
            c9a = x.fma(b0, c9a);
            c9b = x.fma(b1, c9b);
            x = FloatVector.broadcast(S, ap[a + 10]);
            c10a = x.fma(b0, c10a);
            c10b = x.fma(b1, c10b);
            x = FloatVector.broadcast(S, ap[a + 11]);
            c11a = x.fma(b0, c11a);
            c11b = x.fma(b1, c11b);
        }
        FloatVector.fromArray(S, c, co).add(c0a).intoArray(c, co);
        FloatVector.fromArray(S, c, co + L).add(c0b).intoArray(c, co + L);
        FloatVector.fromArray(S, c, co + ldc).add(c1a).intoArray(c, co + ldc);
        FloatVector.fromArray(S, c, co + ldc + L).add(c1b).intoArray(c, co + ldc + L);
        FloatVector.fromArray(S, c, co + 2 * ldc).add(c2a).intoArray(c, co + 2 * ldc);
        FloatVector.fromArray(S, c, co + 2 * ldc + L).add(c2b).intoArray(c, co + 2 * ldc + L);
        FloatVector.fromArray(S, c, co + 3 * ldc).add(c3a).intoArray(c, co + 3 * ldc);
        FloatVector.fromArray(S, c, co + 3 * ldc + L).add(c3b).intoArray(c, co + 3 * ldc + L);
        FloatVector.fromArray(S, c, co + 4 * ldc).add(c4a).intoArray(c, co + 4 * ldc);
        FloatVector.fromArray(S, c, co + 4 * ldc + L).add(c4b).intoArray(c, co + 4 * ldc + L);
        FloatVector.fromArray(S, c, co + 5 * ldc).add(c5a).intoArray(c, co + 5 * ldc);
        FloatVector.fromArray(S, c, co + 5 * ldc + L).add(c5b).intoArray(c, co + 5 * ldc + L);
        FloatVector.fromArray(S, c, co + 6 * ldc).add(c6a).intoArray(c, co + 6 * ldc);
        FloatVector.fromArray(S, c, co + 6 * ldc + L).add(c6b).intoArray(c, co + 6 * ldc + L);
        FloatVector.fromArray(S, c, co + 7 * ldc).add(c7a).intoArray(c, co + 7 * ldc);
        FloatVector.fromArray(S, c, co + 7 * ldc + L).add(c7b).intoArray(c, co + 7 * ldc + L);
        FloatVector.fromArray(S, c, co + 8 * ldc).add(c8a).intoArray(c, co + 8 * ldc);
        FloatVector.fromArray(S, c, co + 8 * ldc + L).add(c8b).intoArray(c, co + 8 * ldc + L);
        FloatVector.fromArray(S, c, co + 9 * ldc).add(c9a).intoArray(c, co + 9 * ldc);
        FloatVector.fromArray(S, c, co + 9 * ldc + L).add(c9b).intoArray(c, co + 9 * ldc + L);
        FloatVector.fromArray(S, c, co + 10 * ldc).add(c10a).intoArray(c, co + 10 * ldc);
        FloatVector.fromArray(S, c, co + 10 * ldc + L).add(c10b).intoArray(c, co + 10 * ldc + L);
        FloatVector.fromArray(S, c, co + 11 * ldc).add(c11a).intoArray(c, co + 11 * ldc);
        FloatVector.fromArray(S, c, co + 11 * ldc + L).add(c11b).intoArray(c, co + 11 * ldc + L);
    }
}

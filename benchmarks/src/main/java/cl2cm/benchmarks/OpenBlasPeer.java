package cl2cm.benchmarks;

import cl2cm.engine.backend.Devices;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * The engine's float32 GEMM against OpenBLAS in one JVM, alternating: each round times a few engine products, then a
 * few OpenBLAS products on the same numbers, and the table gives medians over rounds, with the speed ratio taken
 * within each round. This shared, frequency-scaling VM changes speed by up to 2x from one second to the next, so two
 * programs timed one after the other (numpy, then JMH) compare the machine's moods as much as the kernels;
 * alternating cancels that out.
 *
 * <p>OpenBLAS is Debian's {@code libopenblas0-pthread} (the library behind {@code python3-numpy}), called through
 * {@code cblas_sgemm} with {@code java.lang.foreign}; both use {@code cl2cm.threads} threads.
 * <pre>java --enable-native-access=ALL-UNNAMED -Dcl2cm.threads=1 -cp benchmarks/target/benchmarks.jar \
 *     cl2cm.benchmarks.OpenBlasPeer [MxNxK ...]</pre>
 */
public final class OpenBlasPeer {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int ROUNDS = 15;
    private static final int CALLS_PER_ROUND = 3;

    private final MethodHandle sgemm;

    private OpenBlasPeer(SymbolLookup lib, int threads) throws Throwable {
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        sgemm = linker.downcallHandle(find(lib, "cblas_sgemm"), FunctionDescriptor.ofVoid(i, i, i, i, i, i, f,
                ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, f, ValueLayout.ADDRESS, i));
        MethodHandle setThreads = linker.downcallHandle(find(lib, "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(i));
        setThreads.invokeExact(threads);
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libopenblas has no symbol " + name));
    }

    /** C [m, n] = A [m, k] B [k, n], all row-major. */
    private void multiply(int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) throws Throwable {
        sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1f, a, k, b, n, 0f, c, n);
    }

    public static void main(String[] args) throws Throwable {
        int threads = Integer.getInteger("cl2cm.threads", Runtime.getRuntime().availableProcessors());
        String[] shapes = args.length > 0 ? args : new String[]{"1024x1024x1024", "2048x256x1024", "2048x1024x256"};
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lib;
            try {
                lib = SymbolLookup.libraryLookup("libopenblas.so.0", arena);
            } catch (IllegalArgumentException e) {
                System.err.println("libopenblas.so.0 not found: install Debian's libopenblas0-pthread "
                        + "(benchmarks/openblas-peer.sh does)");
                System.exit(2);
                return;
            }
            OpenBlasPeer peer = new OpenBlasPeer(lib, threads);
            System.out.printf("%-8s %-16s %12s %12s %8s  %s%n", "threads", "shape", "ours GF/s", "OpenBLAS", "ratio",
                    "(medians of " + ROUNDS + " alternating rounds; ratio range over rounds)");
            for (String shape : shapes) {
                peer.compare(shape, threads, arena);
            }
        }
    }

    private void compare(String shape, int threads, Arena arena) throws Throwable {
        String[] d = shape.split("x");
        int m = Integer.parseInt(d[0]);
        int n = Integer.parseInt(d[1]);
        int k = Integer.parseInt(d[2]);
        Rng rng = new Rng(1);
        Tensor a = TensorScope.persistent(() -> rng.normal(0, 1, DType.F32, Devices.cpu(), m, k));
        Tensor b = TensorScope.persistent(() -> rng.normal(0, 1, DType.F32, Devices.cpu(), k, n));
        MemorySegment pa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a.toFloatArray());
        MemorySegment pb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b.toFloatArray());
        MemorySegment pc = arena.allocate(ValueLayout.JAVA_FLOAT, (long) m * n);

        float[] ours;
        try (TensorScope scope = TensorScope.open("check")) {
            ours = a.matmul(b).toFloatArray();
        }
        multiply(m, n, k, pa, pb, pc);
        checkAgree(ours, pc.toArray(ValueLayout.JAVA_FLOAT), shape);

        // Warm-up: the JIT compiles the engine's kernels, OpenBLAS starts its threads.
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) {
            engine(a, b);
            multiply(m, n, k, pa, pb, pc);
        }
        double[] oursS = new double[ROUNDS];
        double[] peerS = new double[ROUNDS];
        double[] ratio = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            oursS[r] = Double.MAX_VALUE;
            peerS[r] = Double.MAX_VALUE;
            for (int c = 0; c < CALLS_PER_ROUND; c++) {
                long t0 = System.nanoTime();
                engine(a, b);
                oursS[r] = Math.min(oursS[r], (System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                multiply(m, n, k, pa, pb, pc);
                peerS[r] = Math.min(peerS[r], (System.nanoTime() - t0) / 1e9);
            }
            ratio[r] = peerS[r] / oursS[r];
        }
        double flop = 2.0 * m * n * k;
        double[] sortedRatio = sorted(ratio);
        System.out.printf("%-8d %-16s %12.1f %12.1f %7.2fx  [%.2f, %.2f]%n", threads, shape, flop / median(oursS) / 1e9,
                flop / median(peerS) / 1e9, median(ratio), sortedRatio[0], sortedRatio[ROUNDS - 1]);
        a.storage().release();
        b.storage().release();
    }

    /** One engine product, output allocated and released as in training (numpy's a @ b allocates too). */
    private static void engine(Tensor a, Tensor b) {
        try (TensorScope scope = TensorScope.open("gemm")) {
            a.matmul(b);
        }
    }

    private static void checkAgree(float[] ours, float[] peer, String shape) {
        for (int i = 0; i < ours.length; i++) {
            if (Math.abs(ours[i] - peer[i]) > 1e-3f * (1 + Math.abs(peer[i]))) {
                throw new IllegalStateException(shape + ": engine and OpenBLAS disagree at " + i + ": " + ours[i]
                        + " vs " + peer[i]);
            }
        }
    }

    private static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    private static double median(double[] v) {
        return sorted(v)[v.length / 2];
    }
}

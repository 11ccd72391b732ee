package cl2cm.engine.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU backend's worker pool. Its size is the system property {@code cl2cm.threads} (default: all cores).
 * Work is split into chunks that depend only on the problem size and the thread count, and each output element
 * is computed by exactly one chunk in a fixed order, so results are bit-identical run to run for a given count.
 */
public final class Parallel {
    private static final int THREADS = configuredThreads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    private Parallel() {
    }

    private static int configuredThreads() {
        String p = System.getProperty("cl2cm.threads");
        if (p == null || p.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(p.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property cl2cm.threads must be a positive integer, got '" + p + "'");
        }
    }

    public static int threads() {
        return THREADS;
    }

    /** Body of a parallel loop over the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /**
     * Runs body over [0, n) in contiguous chunks of at least {@code grain} items, on up to {@link #threads()}
     * threads. Small problems run on the caller's thread.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = (int) Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || POOL == null || java.util.concurrent.ForkJoinTask.getPool() == POOL) {
            body.run(0, n);
            return;
        }
        POOL.invoke(new Chunks(body, n, chunks, 0, chunks));
    }

    /** A task of {@link #forEachTask}. */
    @FunctionalInterface
    public interface Task {
        void run(int task);
    }

    /**
     * Runs tasks 0 .. n-1 on up to {@link #threads()} threads, each thread taking the next task not yet started, so
     * that uneven tasks or a slow thread do not leave the others idle. Only for tasks that write disjoint outputs:
     * which thread runs a task then does not change any result.
     */
    public static void forEachTask(int n, Task task) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        forRange(Math.min(n, THREADS), 1, (s, e) -> {
            for (int t = next.getAndIncrement(); t < n; t = next.getAndIncrement()) {
                task.run(t);
            }
        });
    }

    private static final class Chunks extends RecursiveAction {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final int lo;
        private final int hi;

        Chunks(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int start = (int) ((long) n * lo / chunks);
                int end = (int) ((long) n * (lo + 1) / chunks);
                body.run(start, end);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, chunks, lo, mid), new Chunks(body, n, chunks, mid, hi));
        }
    }
}

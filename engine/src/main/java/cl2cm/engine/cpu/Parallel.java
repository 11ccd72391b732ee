package cl2cm.engine.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's worker threads. Their number, the caller included, is the system property {@code cl2cm.threads}
 * (default: all cores). Work is split into chunks that depend only on the problem size and the thread count, and
 * each output element is computed by exactly one chunk in a fixed order, so results are bit-identical run to run for
 * a given count.
 *
 * <p>Why not a ForkJoinPool: a GEMM is several parallel phases (pack B, pack A, multiply) and a training step
 * hundreds of parallel ops, each ending in a barrier. Parked pool threads must be woken for every phase, and on a
 * virtual machine a wake-up costs tens of microseconds; with 16 threads the 16-core Xeon ran a 1024^3 product no
 * faster than with 8. Here the workers spin for a short while after each loop before they park, as OpenMP
 * runtimes and OpenBLAS do, and the caller works on the loop too (measured beside the ForkJoinPool in one JVM on
 * the Xeon: 1024^3 at 16 threads 2.2x faster, 256^3 2.5x, 8 threads 1.1x; a training step's stage 2 1.5x).
 */
public final class Parallel {
    private static final int THREADS = configuredThreads();
    /** How long an idle worker (and a caller waiting for the last chunks) spins before it parks. */
    private static final long SPIN_NANOS = 100_000;
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);
    /** Held by the thread whose loop the workers are running; other callers run their loops alone. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** The loop the workers should join, published with {@link #generation}. */
    private static volatile Loop current;
    private static volatile long generation;

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
     * threads. Small problems, loops inside a chunk, and loops started while another thread's loop runs are run on
     * the caller's thread alone.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = (int) Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Loop loop = new Loop(body, n, chunks);
            current = loop;
            generation++;   // only the BUSY holder writes it
            for (Worker w : WORKERS) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            loop.work();
            loop.awaitChunks();
            current = null;
            loop.rethrowFailure();
        } finally {
            BUSY.set(false);
        }
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
        AtomicInteger next = new AtomicInteger();
        forRange(Math.min(n, THREADS), 1, (s, e) -> {
            for (int t = next.getAndIncrement(); t < n; t = next.getAndIncrement()) {
                task.run(t);
            }
        });
    }

    /** One parallel loop: its chunks go to whichever thread asks next. */
    private static final class Loop {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Loop(RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (RuntimeException | Error e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        /**
         * Waits until every chunk has ended, also after a failure: the others may still be writing. An interrupt does
         * not end the wait (the chunks cannot be stopped) but is kept for the caller; cleared meanwhile, so that
         * parkNanos still sleeps.
         */
        void awaitChunks() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            boolean interrupted = false;
            while (finished.get() < chunks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                    interrupted |= Thread.interrupted();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void rethrowFailure() {
            Throwable f = failure;
            if (f instanceof RuntimeException e) {
                throw e;
            } else if (f != null) {
                throw (Error) f;
            }
        }
    }

    private static Worker[] startWorkers(int count) {
        Worker[] workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker();
            workers[i].thread = Thread.ofPlatform().daemon().name("cl2cm-cpu-" + (i + 1)).unstarted(workers[i]::run);
            workers[i].thread.start();
        }
        return workers;
    }

    /** A worker thread: joins each loop that is published, spinning a while between loops before it parks. */
    private static final class Worker {
        Thread thread;
        volatile boolean parked;

        void run() {
            long seen = 0;
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (generation == seen) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                        continue;
                    }
                    // Announce the park before the last look, and the caller unparks after publishing: one of the
                    // two sees the other, so a loop is never missed.
                    parked = true;
                    if (generation == seen) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
                seen = generation;
                Loop loop = current;
                if (loop != null) {
                    loop.work();
                }
            }
        }
    }
}

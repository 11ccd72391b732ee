package cl2cm.engine.cpu;

import cl2cm.engine.backend.MemoryStats;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU backend's memory: counts the bytes of live storages (so memory reports mean the same on the CPU as on a
 * GPU) and recycles the arrays of released storages. A training step allocates the same shapes every time, so after
 * the first step most arrays come from the pool instead of the garbage-collected heap; outputs that a kernel
 * overwrites completely skip the zero fill as well. Arrays below {@link #MIN_POOLED} elements are cheaper to allocate
 * than to pool; the pool holds at most a quarter of the heap (2 GiB at most), drops what does not fit, and is
 * emptied when the heap runs out before an allocation fails.
 * A storage never released (left to the garbage collector outside any TensorScope) stays counted as in use.
 */
final class CpuMemory {
    static final int MIN_POOLED = 4096;
    /**
     * With {@code -Dcl2cm.cpu.poisonUninitialized=true} (set for the test suite) arrays handed out without zero fill
     * are filled with NaN, so an op that reads its output before writing all of it fails its tests.
     */
    private static final boolean POISON = Boolean.getBoolean("cl2cm.cpu.poisonUninitialized");
    private static final long CAPACITY = Math.min(Runtime.getRuntime().maxMemory() / 4, 2L << 30);

    private static final Map<Integer, ArrayDeque<float[]>> FLOATS = new HashMap<>();
    private static final Map<Integer, ArrayDeque<double[]>> DOUBLES = new HashMap<>();
    private static long inUse;
    private static long peak;
    private static long pooled;
    private static long allocations;

    private CpuMemory() {
    }

    /** An array of n floats, zero-filled when asked (fresh arrays always are). */
    static synchronized float[] floats(int n, boolean zeroed) {
        ArrayDeque<float[]> q = n >= MIN_POOLED ? FLOATS.get(n) : null;
        float[] a = q == null ? null : q.poll();
        if (a == null) {
            allocations++;
            try {
                a = new float[n];
            } catch (OutOfMemoryError e) {
                drain();   // the pool's arrays are the heap's to reclaim before giving up
                a = new float[n];
            }
            if (POISON && !zeroed) {
                java.util.Arrays.fill(a, Float.NaN);
            }
            return a;
        }
        pooled -= 4L * n;
        if (zeroed || POISON) {
            java.util.Arrays.fill(a, zeroed ? 0f : Float.NaN);
        }
        return a;
    }

    /** An array of n doubles, zero-filled when asked (fresh arrays always are). */
    static synchronized double[] doubles(int n, boolean zeroed) {
        ArrayDeque<double[]> q = n >= MIN_POOLED ? DOUBLES.get(n) : null;
        double[] a = q == null ? null : q.poll();
        if (a == null) {
            allocations++;
            try {
                a = new double[n];
            } catch (OutOfMemoryError e) {
                drain();
                a = new double[n];
            }
            if (POISON && !zeroed) {
                java.util.Arrays.fill(a, Double.NaN);
            }
            return a;
        }
        pooled -= 8L * n;
        if (zeroed || POISON) {
            java.util.Arrays.fill(a, zeroed ? 0.0 : Double.NaN);
        }
        return a;
    }

    static synchronized void recycle(float[] a) {
        if (a.length >= MIN_POOLED && pooled + 4L * a.length <= CAPACITY) {
            FLOATS.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
            pooled += 4L * a.length;
        }
    }

    static synchronized void recycle(double[] a) {
        if (a.length >= MIN_POOLED && pooled + 8L * a.length <= CAPACITY) {
            DOUBLES.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
            pooled += 8L * a.length;
        }
    }

    /** Drops every pooled array (the garbage collector may then reclaim them). */
    static synchronized void drain() {
        FLOATS.clear();
        DOUBLES.clear();
        pooled = 0;
    }

    static synchronized void live(long bytes) {
        inUse += bytes;
        peak = Math.max(peak, inUse);
    }

    static synchronized void freed(long bytes) {
        inUse -= bytes;
    }

    static synchronized MemoryStats stats() {
        return new MemoryStats(inUse, pooled, peak, allocations);
    }

    static synchronized void resetPeak() {
        peak = inUse;
    }
}

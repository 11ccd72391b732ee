package cl2cm.engine.cpu;

import cl2cm.engine.backend.MemoryStats;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

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

    /** Free arrays of one element type by length, and how to make and fill such arrays. */
    private record Shelf<A>(Map<Integer, ArrayDeque<A>> free, int bytes, IntFunction<A> create,
                            BiConsumer<A, Boolean> fillZeroOrNaN) {
        Shelf(int bytes, IntFunction<A> create, BiConsumer<A, Boolean> fillZeroOrNaN) {
            this(new HashMap<>(), bytes, create, fillZeroOrNaN);
        }
    }

    private static final Shelf<float[]> FLOATS = new Shelf<>(4, float[]::new,
            (a, zero) -> java.util.Arrays.fill(a, zero ? 0f : Float.NaN));
    private static final Shelf<double[]> DOUBLES = new Shelf<>(8, double[]::new,
            (a, zero) -> java.util.Arrays.fill(a, zero ? 0.0 : Double.NaN));
    private static long inUse;
    private static long peak;
    private static long pooled;
    private static long allocations;

    private CpuMemory() {
    }

    /** An array of n floats, zero-filled when asked (fresh arrays always are). */
    static float[] floats(int n, boolean zeroed) {
        return take(FLOATS, n, zeroed);
    }

    /** An array of n doubles, zero-filled when asked (fresh arrays always are). */
    static double[] doubles(int n, boolean zeroed) {
        return take(DOUBLES, n, zeroed);
    }

    static void recycle(float[] a) {
        give(FLOATS, a, a.length);
    }

    static void recycle(double[] a) {
        give(DOUBLES, a, a.length);
    }

    private static synchronized <A> A take(Shelf<A> shelf, int n, boolean zeroed) {
        ArrayDeque<A> q = n >= MIN_POOLED ? shelf.free().get(n) : null;
        A a = q == null ? null : q.poll();
        if (a == null) {
            allocations++;
            try {
                a = shelf.create().apply(n);
            } catch (OutOfMemoryError e) {
                drain();   // the pool's arrays are the heap's to reclaim before giving up
                a = shelf.create().apply(n);
            }
            if (POISON && !zeroed) {
                shelf.fillZeroOrNaN().accept(a, false);
            }
            return a;
        }
        pooled -= (long) shelf.bytes() * n;
        if (zeroed || POISON) {
            shelf.fillZeroOrNaN().accept(a, zeroed);
        }
        return a;
    }

    private static synchronized <A> void give(Shelf<A> shelf, A a, int length) {
        if (length >= MIN_POOLED && pooled + (long) shelf.bytes() * length <= CAPACITY) {
            shelf.free().computeIfAbsent(length, k -> new ArrayDeque<>()).push(a);
            pooled += (long) shelf.bytes() * length;
        }
    }

    /** Drops every pooled array (the garbage collector may then reclaim them). */
    static synchronized void drain() {
        FLOATS.free().clear();
        DOUBLES.free().clear();
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

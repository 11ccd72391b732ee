package cl2cm.engine.cpu;

import cl2cm.engine.backend.MemoryStats;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes of CPU storages from creation until release, so that memory reports mean the same on the CPU as
 * on a GPU. A storage never released (left to the garbage collector outside any TensorScope) stays counted.
 */
final class CpuMemory {
    private static final AtomicLong IN_USE = new AtomicLong();
    private static final AtomicLong PEAK = new AtomicLong();
    private static final AtomicLong ALLOCATIONS = new AtomicLong();

    private CpuMemory() {
    }

    static void allocated(long bytes) {
        ALLOCATIONS.incrementAndGet();
        long now = IN_USE.addAndGet(bytes);
        PEAK.accumulateAndGet(now, Math::max);
    }

    static void freed(long bytes) {
        IN_USE.addAndGet(-bytes);
    }

    static MemoryStats stats() {
        return new MemoryStats(IN_USE.get(), 0, PEAK.get(), ALLOCATIONS.get());
    }

    static void resetPeak() {
        PEAK.set(IN_USE.get());
    }
}

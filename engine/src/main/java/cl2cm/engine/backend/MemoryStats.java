package cl2cm.engine.backend;

/**
 * What a backend's tensors hold, in bytes: {@code inUse} by live storages (released ones excluded), {@code cached}
 * by freed blocks kept for reuse (device allocators; 0 on the CPU), {@code peakInUse} the most {@code inUse} reached
 * since the last {@link Backend#resetPeakMemory()}, and {@code allocations} the number of fresh allocations from the
 * system (cuMemAlloc calls on a GPU, arrays created on the CPU). Comparable to PyTorch's
 * {@code torch.cuda.memory_allocated}, {@code max_memory_allocated} and {@code memory_reserved - memory_allocated}.
 */
public record MemoryStats(long inUse, long cached, long peakInUse, long allocations) {
    public double peakMiB() {
        return peakInUse / 1048576.0;
    }
}

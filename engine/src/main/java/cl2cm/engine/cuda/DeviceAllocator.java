package cl2cm.engine.cuda;

import cl2cm.engine.backend.MemoryStats;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching allocator for device memory: freed blocks go to a free list per rounded size and are handed out again,
 * so a training step does not call cuMemAlloc/cuMemFree per op (JCuda 12.0.0 has no stream-ordered allocator).
 * One stream runs all work, so a block freed on the host can be reused at once: kernels that still read it were
 * queued before any kernel that writes it again.
 *
 * <p>Sizes round up to 512 bytes below 1 MiB and to 2 MiB above. When cuMemAlloc fails, every cached block is
 * freed and the allocation retried; if that fails too the error says how much was asked for, how much is free and
 * how much this allocator holds.
 */
final class DeviceAllocator {
    private static final long SMALL = 1 << 20;

    /** A device block of {@code bytes} (the rounded size). */
    record Block(CUdeviceptr ptr, long bytes) {
    }

    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private long inUse;
    private long cached;
    private long peakInUse;
    private long cudaMallocs;

    static long round(long bytes) {
        long b = Math.max(bytes, 1);
        return b < SMALL ? (b + 511) / 512 * 512 : (b + (2L << 20) - 1) / (2L << 20) * (2L << 20);
    }

    synchronized Block allocate(long bytes, String what) {
        long size = round(bytes);
        ArrayDeque<Block> list = free.get(size);
        Block b = list == null ? null : list.poll();
        if (b != null) {
            cached -= size;
        } else {
            b = new Block(malloc(size, bytes, what), size);
        }
        inUse += size;
        peakInUse = Math.max(peakInUse, inUse);
        return b;
    }

    synchronized void release(Block b) {
        inUse -= b.bytes();
        cached += b.bytes();
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
    }

    private CUdeviceptr malloc(long size, long asked, String what) {
        CUdeviceptr p = new CUdeviceptr();
        int rc = tryMalloc(p, size);
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            emptyCache();
            rc = tryMalloc(p, size);
        }
        if (rc != CUresult.CUDA_SUCCESS) {
            long[] freeBytes = new long[1];
            long[] total = new long[1];
            JCudaDriver.cuMemGetInfo(freeBytes, total);
            throw new CudaError(String.format("cuMemAlloc of %,d bytes for %s failed (%s): %,d of %,d bytes free on "
                            + "the device; this process holds %,d in tensors", asked, what, CUresult.stringFor(rc),
                    freeBytes[0], total[0], inUse));
        }
        cudaMallocs++;
        return p;
    }

    /** cuMemAlloc's result code (JCuda throws when its exceptions are on; the code is what we need here). */
    private static int tryMalloc(CUdeviceptr p, long size) {
        try {
            return JCudaDriver.cuMemAlloc(p, size);
        } catch (jcuda.CudaException e) {
            return e.getMessage() != null && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY")
                    ? CUresult.CUDA_ERROR_OUT_OF_MEMORY : CUresult.CUDA_ERROR_UNKNOWN;
        }
    }

    /** Returns every cached block to the driver. */
    synchronized void emptyCache() {
        for (ArrayDeque<Block> list : free.values()) {
            for (Block b : list) {
                JCudaDriver.cuMemFree(b.ptr());
            }
        }
        free.clear();
        cached = 0;
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(inUse, cached, peakInUse, cudaMallocs);
    }

    synchronized void resetPeak() {
        peakInUse = inUse;
    }
}

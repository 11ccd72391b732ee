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
 * <p>Sizes round up to 512 bytes below 1 MiB and above it to size classes an eighth of a power of two apart (at
 * most 12.5 % waste; a [768, 768] float matrix, 2.25 MiB, takes exactly that, where whole 2 MiB steps took 4 MiB).
 * When cuMemAlloc fails, every cached block is freed and the allocation retried; if that fails too the error says
 * how much was asked for, how much is free and how much this allocator holds.
 *
 * <p>While a CUDA graph is being recorded, allocations come from a private {@link Pool}: the graph keeps using those
 * addresses at every replay, so no other work may be handed them until the graph is destroyed. Every block released
 * during the recording joins that pool too (the graph may read it), and blocks of the pool released after the
 * recording go back to it. When the graph is destroyed the pool is retired into the main one.
 */
final class DeviceAllocator {
    private static final long SMALL = 1 << 20;

    /** A device block of {@code bytes} (the rounded size), and the pool it returns to. */
    static final class Block {
        private final CUdeviceptr ptr;
        private final long bytes;
        private Pool owner;

        private Block(CUdeviceptr ptr, long bytes, Pool owner) {
            this.ptr = ptr;
            this.bytes = bytes;
            this.owner = owner;
        }

        CUdeviceptr ptr() {
            return ptr;
        }

        long bytes() {
            return bytes;
        }
    }

    /** Free lists by rounded size. */
    static final class Pool {
        private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
        private Pool retiredInto;   // set when the graph owning this pool is gone

        private Pool live() {
            Pool p = this;
            while (p.retiredInto != null) {
                p = p.retiredInto;
            }
            return p;
        }
    }

    private final Pool main = new Pool();
    private Pool current = main;
    private long inUse;
    private long cached;
    private long peakInUse;
    private long cudaMallocs;

    static long round(long bytes) {
        long b = Math.max(bytes, 1);
        if (b < SMALL) {
            return (b + 511) / 512 * 512;
        }
        long step = Long.highestOneBit(b) / 8;
        return (b + step - 1) / step * step;
    }

    synchronized Block allocate(long bytes, String what) {
        long size = round(bytes);
        ArrayDeque<Block> list = current.free.get(size);
        Block b = list == null ? null : list.poll();
        if (b != null) {
            cached -= size;
        } else {
            b = new Block(malloc(size, bytes, what), size, current);
        }
        inUse += size;
        peakInUse = Math.max(peakInUse, inUse);
        return b;
    }

    synchronized void release(Block b) {
        // During a recording every released block joins the graph's pool: recorded kernels may still read it.
        b.owner = current != main ? current : b.owner.live();
        inUse -= b.bytes;
        cached += b.bytes;
        b.owner.free.computeIfAbsent(b.bytes, k -> new ArrayDeque<>()).push(b);
    }

    /** Starts serving allocations from a new private pool (for a graph being recorded); it starts with the free blocks. */
    synchronized Pool beginPrivatePool() {
        if (current != main) {
            throw new IllegalStateException("a CUDA graph is already being recorded");
        }
        current = new Pool();
        moveFreeBlocks(main, current);
        return current;
    }

    /** Back to the main pool; the private one stays with its graph. */
    synchronized void endPrivatePool() {
        current = main;
    }

    /** The graph owning {@code pool} is gone: its blocks are free for any work again. */
    synchronized void retire(Pool pool) {
        pool.retiredInto = main;
        moveFreeBlocks(pool, main);
    }

    private static void moveFreeBlocks(Pool from, Pool to) {
        from.free.forEach((size, list) -> {
            ArrayDeque<Block> into = to.free.computeIfAbsent(size, k -> new ArrayDeque<>());
            for (Block b : list) {
                b.owner = to;
                into.push(b);
            }
        });
        from.free.clear();
    }

    private CUdeviceptr malloc(long size, long asked, String what) {
        CUdeviceptr p = new CUdeviceptr();
        int rc = tryMalloc(p, size);
        boolean recording = current != main;
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY && !recording) {
            // Not while a graph is being recorded: the cached blocks have moved into its pool, and cuMemFree, which
            // waits for the device, would break the stream capture.
            emptyCache();
            rc = tryMalloc(p, size);
        }
        if (rc != CUresult.CUDA_SUCCESS) {
            long[] freeBytes = new long[1];
            long[] total = new long[1];
            JCudaDriver.cuMemGetInfo(freeBytes, total);
            throw new CudaError(String.format("cuMemAlloc of %,d bytes for %s failed (%s): %,d of %,d bytes free on "
                            + "the device; this process holds %,d in tensors%s", asked, what, CUresult.stringFor(rc),
                    freeBytes[0], total[0], inUse, recording ? " (while recording a CUDA graph, whose memory comes on "
                            + "top of the cached blocks; try --eager)" : ""));
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

    /** Returns every cached block of the main pool to the driver (a graph keeps its own). */
    synchronized void emptyCache() {
        for (ArrayDeque<Block> list : main.free.values()) {
            for (Block b : list) {
                JCudaDriver.cuMemFree(b.ptr());
                cached -= b.bytes;
            }
        }
        main.free.clear();
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(inUse, cached, peakInUse, cudaMallocs);
    }

    synchronized void resetPeak() {
        peakInUse = inUse;
    }
}

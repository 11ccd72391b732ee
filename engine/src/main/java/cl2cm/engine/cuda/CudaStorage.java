package cl2cm.engine.cuda;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import jcuda.driver.CUdeviceptr;

import java.lang.ref.Cleaner;

/**
 * Device memory holding a tensor's elements. Released explicitly (by its TensorScope or {@link #release()}), its
 * block returns to the caching allocator at once; a persistent storage that becomes unreachable without being
 * released is returned by a Cleaner as a safety net.
 */
final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CUdeviceptr ptr;
    private final Cleaner.Cleanable cleanable;

    CudaStorage(DType dtype, long numel, DeviceAllocator allocator) {
        super(dtype, numel);
        DeviceAllocator.Block block = allocator.allocate(numel * dtype.bytes(), "a " + dtype + " tensor of " + numel
                + " elements");
        this.ptr = block.ptr();
        this.cleanable = CLEANER.register(this, new Return(allocator, block));
    }

    /** Separate from the storage so that the Cleaner does not keep it reachable. */
    private record Return(DeviceAllocator allocator, DeviceAllocator.Block block) implements Runnable {
        @Override
        public void run() {
            allocator.release(block);
        }
    }

    @Override
    public Backend backend() {
        return CudaBackend.instance();
    }

    /** The device address of element {@code offset}. */
    CUdeviceptr at(long offset) {
        checkLive();
        return offset == 0 ? ptr : ptr.withByteOffset(offset * dtype().bytes());
    }

    @Override
    protected void free() {
        cleanable.clean();
    }

    static CudaStorage of(Storage s) {
        if (s == null) {
            return null;
        }
        if (!(s instanceof CudaStorage c)) {
            throw new IllegalArgumentException("the CUDA backend got a tensor stored on " + s.backend().name()
                    + "; move it with tensor.to(backend) first");
        }
        c.checkLive();
        return c;
    }
}

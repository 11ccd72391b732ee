package cl2cm.engine.backend;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;

/**
 * Memory: allocating storages, moving data between the host and the device, copies and fills.
 * Part of {@link Backend}.
 */
public interface MemoryKernels {
    /** A zero-filled storage, owned by the current {@link cl2cm.engine.tensor.TensorScope}. */
    Storage allocate(DType dtype, long numel);

    /**
     * A storage whose contents are undefined until written, for outputs that a kernel fills completely (saves the
     * zero fill on devices where allocation does not clear memory). Owned by the current TensorScope.
     */
    default Storage allocateUninitialized(DType dtype, long numel) {
        return allocate(dtype, numel);
    }

    /** Bytes held by this backend's live tensors now and at their peak (see {@link MemoryStats}). */
    MemoryStats memoryStats();

    /** Starts a new peak: {@code memoryStats().peakInUse()} becomes the bytes in use now. */
    void resetPeakMemory();

    /** A storage holding {@code data} converted to {@code dtype}. */
    Storage fromDoubles(DType dtype, double[] data);

    /** A float32 storage holding a copy of {@code data}. */
    Storage fromFloats(float[] data);

    /** The elements of a view in row-major order. */
    double[] toDoubles(View v);

    /** The elements of a view in row-major order, as float32. */
    float[] toFloats(View v);

    /** Copies {@code src} into {@code dst} element by element (same shape, any strides, dtypes may differ). */
    void copy(View src, View dst);

    /** Sets every element of a view. */
    void fill(View dst, double value);
}

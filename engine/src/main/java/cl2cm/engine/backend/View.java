package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/**
 * A strided window onto a storage: element (i0, i1, ...) lives at {@code offset + sum(ik * strides[k])}.
 * Broadcast dimensions have stride 0. This is what kernels see of a tensor.
 */
public record View(Storage storage, int[] shape, int[] strides, long offset) {
    public int rank() {
        return shape.length;
    }

    public long numel() {
        return cl2cm.engine.tensor.Shape.numel(shape);
    }

    /** True when the elements are laid out densely in row-major order starting at {@code offset}. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }
}

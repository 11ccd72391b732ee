package cl2cm.engine.tensor;

import cl2cm.engine.backend.Backend;

/**
 * A flat block of elements owned by one backend (a Java array on the CPU, device memory on a GPU). Storages do not
 * outlive their {@link TensorScope}: device memory is not garbage collected, so every storage is released
 * explicitly, either when the scope that allocated it closes or by {@link #release()}.
 */
public abstract class Storage {
    private final DType dtype;
    private final long numel;
    private boolean released;
    private String releasedBy;
    private boolean backwardOnly;

    protected Storage(DType dtype, long numel) {
        this.dtype = dtype;
        this.numel = numel;
    }

    public final DType dtype() {
        return dtype;
    }

    public final long numel() {
        return numel;
    }

    public abstract Backend backend();

    public final boolean isReleased() {
        return released;
    }

    /** See {@link TensorScope#forBackwardOnly}. */
    final void markBackwardOnly() {
        backwardOnly = true;
    }

    /** Whether only gradient rules read this storage from now on, so backward may free it after its last reader. */
    public final boolean isBackwardOnly() {
        return backwardOnly;
    }

    /** Frees the memory now. Using the storage afterwards fails with a message saying who released it. */
    public final void release() {
        releaseBecause("an explicit release()");
    }

    final void releaseBecause(String who) {
        if (!released) {
            released = true;
            releasedBy = who;
            MemoryProfile.released(this);
            free();
        }
    }

    /** Backend-specific freeing (returning an array to a pool, freeing device memory). */
    protected abstract void free();

    /** Throws a clear error when a released storage is used. */
    public final void checkLive() {
        if (released) {
            throw new IllegalStateException("tensor storage (" + dtype + ", " + numel + " elements) was used after "
                    + releasedBy + " released it; keep tensors that must outlive a TensorScope with scope.keep(t)");
        }
    }
}

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
    /** Recorded gradient rules that saved this storage and have not run yet. */
    private int savers;
    /** Set when the layer that allocated it returned without it: only gradient rules may read it from then on. */
    private boolean forwardDone;

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

    /** A gradient rule just recorded will read this storage (see {@link cl2cm.engine.autograd.Node}). */
    public final void saveForBackward() {
        savers++;
    }

    /**
     * A gradient rule that saved this storage has run, or will not run. The last one frees it once the layer that
     * made it has returned (see {@link TensorScope.Frame}), PyTorch's lifetime of saved tensors.
     */
    public final void doneWithBackward() {
        if (--savers == 0 && forwardDone) {
            TensorScope.releaseOwned(this, "freed after the last gradient rule that saved it");
        }
    }

    /** The layer that allocated it has returned without it: no forward code reads it any more. */
    final void forwardDone() {
        forwardDone = true;
        if (savers == 0) {
            TensorScope.releaseOwned(this, "freed when the layer that made it returned: no gradient rule saved it");
        }
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

package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/** Row gathers and scatter-adds (embedding lookups and their gradients). Part of {@link Backend}. */
public interface IndexingKernels {
    /** out[i, :] = table[idx[i], :] for a contiguous [tableRows, cols] table. */
    void gatherRows(Storage table, int tableRows, int cols, int[] idx, Storage out);

    /**
     * table[idx[i], :] += src[i, :] (the gradient of gatherRows); repeated indices accumulate, and positions whose
     * index is {@code skip} add nothing (an embedding's padding row; -1 skips none). The skip is decided by the kernel
     * from idx itself, so that no array derived from the ids has to be uploaded (a replayed step rereads idx).
     */
    void scatterAddRows(Storage src, int cols, int[] idx, int skip, Storage table, int tableRows);
}

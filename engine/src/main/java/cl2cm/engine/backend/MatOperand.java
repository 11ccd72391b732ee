package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/**
 * One operand of a (batched) matrix product: matrix b's element (i, j) is at
 * {@code batchOffset(b) + i * rowStride + j * colStride}. Transposed operands are just swapped strides, and a
 * matrix shared by every batch entry has {@code batchStride == 0}.
 *
 * <p>Batch entries step by {@code batchStride} within groups of {@code innerBatch} and by {@code outerBatchStride}
 * from group to group. Two levels describe attention's heads without a copy: q as [B, heads, T, d] is a view of
 * [B, T, heads, d], whose entries step by d within a sequence and by T x heads x d between sequences.
 */
public record MatOperand(Storage storage, long offset, long batchStride, long rowStride, long colStride,
                         int innerBatch, long outerBatchStride) {
    /** One batch level: entry b at offset + b * batchStride. */
    public MatOperand(Storage storage, long offset, long batchStride, long rowStride, long colStride) {
        this(storage, offset, batchStride, rowStride, colStride, Integer.MAX_VALUE, 0);
    }

    public MatOperand {
        if (innerBatch < 1) {
            throw new IllegalArgumentException("innerBatch must be positive, got " + innerBatch);
        }
    }

    /** Element offset of batch entry b's (0, 0). */
    public long batchOffset(long b) {
        return offset + (b / innerBatch) * outerBatchStride + (b % innerBatch) * batchStride;
    }
}

package cl2cm.engine.backend;

import cl2cm.engine.tensor.Storage;

/**
 * One operand of a (batched) matrix product: matrix b's element (i, j) is at
 * {@code offset + b * batchStride + i * rowStride + j * colStride}. Transposed operands are just swapped strides,
 * and a matrix shared by every batch entry has {@code batchStride == 0}.
 */
public record MatOperand(Storage storage, long offset, long batchStride, long rowStride, long colStride) {
}

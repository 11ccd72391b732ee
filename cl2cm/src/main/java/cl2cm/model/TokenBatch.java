package cl2cm.model;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;

/**
 * Token ids [B, T] with the attention mask (1 = token, 0 = padding) and the word mask for optimal transport
 * (tokens other than [CLS], [SEP] and padding).
 */
public record TokenBatch(int[] ids, float[] mask, float[] wordMask, int size, int seqLen) {
    // In float32 the masks upload straight from these arrays, so that a replayed step (ReplayableStep) that refills
    // them sees the new batch.
    public Tensor maskTensor(DType dtype, Backend be) {
        return dtype == DType.F32 ? Tensor.of(mask, be, size, seqLen) : Tensor.of(toDouble(mask), dtype, be, size, seqLen);
    }

    public Tensor wordMaskTensor(DType dtype, Backend be) {
        return dtype == DType.F32 ? Tensor.of(wordMask, be, size, seqLen)
                : Tensor.of(toDouble(wordMask), dtype, be, size, seqLen);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Pads pre-tokenised rows (each [CLS] ... [SEP]) to the longest. */
    public static TokenBatch of(java.util.List<int[]> rows, int padId) {
        int t = 0;
        for (int[] r : rows) {
            t = Math.max(t, r.length);
        }
        TokenBatch batch = empty(rows.size(), t);
        batch.fill(rows, padId);
        return batch;
    }

    /** A batch of {@code size} rows of {@code seqLen} tokens to {@link #fill} (all padding until then). */
    public static TokenBatch empty(int size, int seqLen) {
        return new TokenBatch(new int[size * seqLen], new float[size * seqLen], new float[size * seqLen], size, seqLen);
    }

    /**
     * Overwrites this batch with {@code rows}, each padded to {@link #seqLen()}: a step replayed from a recording
     * reads the new batch from the same arrays.
     */
    public void fill(java.util.List<int[]> rows, int padId) {
        if (rows.size() != size) {
            throw new IllegalArgumentException("a batch of " + size + " rows cannot hold " + rows.size());
        }
        java.util.Arrays.fill(ids, padId);
        java.util.Arrays.fill(mask, 0f);
        java.util.Arrays.fill(wordMask, 0f);
        for (int i = 0; i < size; i++) {
            int[] r = rows.get(i);
            if (r.length > seqLen) {
                throw new IllegalArgumentException("row " + i + " has " + r.length + " tokens, more than the batch's "
                        + seqLen);
            }
            System.arraycopy(r, 0, ids, i * seqLen, r.length);
            for (int j = 0; j < r.length; j++) {
                mask[i * seqLen + j] = 1f;
                wordMask[i * seqLen + j] = j == 0 || j == r.length - 1 ? 0f : 1f;
            }
        }
    }
}

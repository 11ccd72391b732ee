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
        int b = rows.size();
        int[] ids = new int[b * t];
        float[] mask = new float[b * t];
        float[] words = new float[b * t];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            int[] r = rows.get(i);
            System.arraycopy(r, 0, ids, i * t, r.length);
            for (int j = 0; j < r.length; j++) {
                mask[i * t + j] = 1f;
                words[i * t + j] = j == 0 || j == r.length - 1 ? 0f : 1f;
            }
        }
        return new TokenBatch(ids, mask, words, b, t);
    }
}

package cl2cm.engine.nn;

import cl2cm.engine.autograd.GradCheck;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.bert.MultiHeadAttention;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static cl2cm.engine.TestData.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Cross-attention (queries from one sequence, keys and values from another) against a scalar-loop reference. */
class MultiHeadAttentionTest {
    private static final int B = 2, TQ = 3, TK = 5, H = 6, HEADS = 2, HD = H / HEADS;

    @Test
    void crossAttentionMatchesTheDefinitionAndIgnoresPaddedKeys() {
        Rng r = new Rng(5);
        MultiHeadAttention mha = new MultiHeadAttention(H, HEADS, 0.0, r, DType.F64, Devices.cpu());
        double[] q = uniform(r, B * TQ * H);
        double[] kv = uniform(r, B * TK * H);
        double[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}; // second sequence: last two keys are padding
        Tensor bias = MultiHeadAttention.maskBias(Tensor.of(mask, DType.F64, B, TK));
        double[] got = mha.forward(Tensor.of(q, DType.F64, B, TQ, H), Tensor.of(kv, DType.F64, B, TK, H), bias)
                .toDoubleArray();

        Map<String, Tensor> p = mha.stateDict();
        double[] wq = p.get("query.weight").toDoubleArray(), bq = p.get("query.bias").toDoubleArray();
        double[] wk = p.get("key.weight").toDoubleArray(), bk = p.get("key.bias").toDoubleArray();
        double[] wv = p.get("value.weight").toDoubleArray(), bv = p.get("value.bias").toDoubleArray();
        double[] qp = project(q, B * TQ, wq, bq), kp = project(kv, B * TK, wk, bk), vp = project(kv, B * TK, wv, bv);
        double[] want = new double[B * TQ * H];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < HEADS; h++) {
                for (int i = 0; i < TQ; i++) {
                    double[] s = new double[TK];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < TK; j++) {
                        if (mask[b * TK + j] == 0) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        for (int d = 0; d < HD; d++) {
                            s[j] += qp[(b * TQ + i) * H + h * HD + d] * kp[(b * TK + j) * H + h * HD + d];
                        }
                        s[j] /= Math.sqrt(HD);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < TK; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int d = 0; d < HD; d++) {
                        double acc = 0;
                        for (int j = 0; j < TK; j++) {
                            acc += s[j] / z * vp[(b * TK + j) * H + h * HD + d];
                        }
                        want[(b * TQ + i) * H + h * HD + d] = acc;
                    }
                }
            }
        }
        assertArrayEquals(want, got, 1e-12);

        // Changing the padded keys of the second sequence changes nothing.
        double[] kv2 = kv.clone();
        for (int j = 3; j < TK; j++) {
            for (int d = 0; d < H; d++) {
                kv2[(TK + j) * H + d] += 7;
            }
        }
        double[] got2 = mha.forward(Tensor.of(q, DType.F64, B, TQ, H), Tensor.of(kv2, DType.F64, B, TK, H), bias)
                .toDoubleArray();
        assertArrayEquals(got, got2, 1e-12);
        assertEquals(B * TQ * H, got.length);
    }

    @Test
    void crossAttentionGradients() {
        Rng r = new Rng(9);
        MultiHeadAttention mha = new MultiHeadAttention(H, HEADS, 0.0, r, DType.F64, Devices.cpu());
        Tensor bias = MultiHeadAttention.maskBias(Tensor.of(new double[]{1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, DType.F64, B, TK));
        GradCheck.check("cross-attention", x -> mha.forward(x[0], x[1], bias),
                GradCheck.Input.of(uniform(r, B * TQ * H), B, TQ, H), GradCheck.Input.of(uniform(r, B * TK * H), B, TK, H));
    }

    private static double[] project(double[] x, int rows, double[] w, double[] bias) {
        double[] y = new double[rows * H];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < H; o++) {
                double acc = bias[o];
                for (int k = 0; k < H; k++) {
                    acc += x[i * H + k] * w[o * H + k];
                }
                y[i * H + o] = acc;
            }
        }
        return y;
    }
}

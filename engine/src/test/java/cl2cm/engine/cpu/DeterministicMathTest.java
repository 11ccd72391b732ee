package cl2cm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU kernels' exp, tanh, log and lane sums are accurate and give the same bits before and after the JIT compiles
 * them (the Vector API's own EXP and reduceLanes(ADD) do not, which made training depend on JIT timing).
 */
class DeterministicMathTest {
    private static final int N = 512;

    private static float[] inputs() {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) (Math.sin(i * 0.37) * 30);   // -30..30, with values near 0 for tanh's small branch
        }
        x[0] = 0f;
        x[1] = -100f;
        x[2] = 88.5f;
        x[3] = 1e-4f;
        return x;
    }

    private static float[] apply(float[] x, int which) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += VectorKernels.L) {
            FloatVector v = FloatVector.fromArray(VectorKernels.S, x, i);
            FloatVector y = switch (which) {
                case 0 -> VectorKernels.exp(v);
                case 1 -> VectorKernels.tanh(v);
                default -> VectorKernels.log(v.abs().add(1e-3f));
            };
            y.intoArray(out, i);
            out[i] += which == 3 ? VectorKernels.sumLanes(v) : 0;
        }
        return out;
    }

    @Test
    void accurate() {
        float[] x = inputs();
        float[] e = apply(x, 0);
        float[] t = apply(x, 1);
        float[] l = apply(x, 2);
        for (int i = 0; i < N; i++) {
            double want = StrictMath.exp(x[i]);
            assertTrue(Math.abs(e[i] - want) <= 3e-7 * want + Float.MIN_NORMAL, "exp(" + x[i] + ") = " + e[i] + ", want " + want);
            assertEquals(StrictMath.tanh(x[i]), t[i], 3e-7 * Math.max(1e-3, Math.abs(StrictMath.tanh(x[i]))) + 1e-9,
                    "tanh(" + x[i] + ")");
            assertEquals(StrictMath.log(Math.abs(x[i]) + 1e-3f), l[i], 1e-6, "log");
        }
    }

    @Test
    void sameBitsInterpretedAndCompiled() {
        float[] x = inputs();
        float[][] first = {apply(x, 0), apply(x, 1), apply(x, 3)};
        for (int rep = 0; rep < 20_000; rep++) {   // enough calls for C2 to compile them
            apply(x, rep % 2);
            apply(x, 3);
        }
        float[][] later = {apply(x, 0), apply(x, 1), apply(x, 3)};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < N; i++) {
                assertEquals(Float.floatToIntBits(first[k][i]), Float.floatToIntBits(later[k][i]),
                        "function " + k + " at " + x[i] + ": " + first[k][i] + " then " + later[k][i]);
            }
        }
    }
}

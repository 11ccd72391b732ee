package cl2cm.engine.nn;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;

/**
 * Seeded weight initialisers with PyTorch's definitions of fan-in and fan-out: for a weight [out, in, k...],
 * fan_in = in * prod(k) and fan_out = out * prod(k).
 */
public final class Init {
    private Init() {
    }

    static int fanIn(int[] shape) {
        return shape.length < 2 ? shape[0] : shape[1] * receptive(shape);
    }

    static int fanOut(int[] shape) {
        return shape[0] * receptive(shape);
    }

    private static int receptive(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    public static Tensor xavierUniform(Rng rng, DType dtype, Backend be, int... shape) {
        double a = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
        return rng.uniform(-a, a, dtype, be, shape);
    }

    public static Tensor xavierNormal(Rng rng, DType dtype, Backend be, int... shape) {
        return rng.normal(0, Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))), dtype, be, shape);
    }

    /** He initialisation for ReLU networks: N(0, 2 / fan_in). */
    public static Tensor kaimingNormal(Rng rng, DType dtype, Backend be, int... shape) {
        return rng.normal(0, Math.sqrt(2.0 / fanIn(shape)), dtype, be, shape);
    }

    /** U(-sqrt(6/fan_in), sqrt(6/fan_in)) (ReLU gain). */
    public static Tensor kaimingUniform(Rng rng, DType dtype, Backend be, int... shape) {
        double a = Math.sqrt(6.0 / fanIn(shape));
        return rng.uniform(-a, a, dtype, be, shape);
    }

    /** PyTorch's default for Linear and Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    public static Tensor torchDefault(Rng rng, int fanIn, DType dtype, Backend be, int... shape) {
        double a = 1.0 / Math.sqrt(fanIn);
        return rng.uniform(-a, a, dtype, be, shape);
    }
}

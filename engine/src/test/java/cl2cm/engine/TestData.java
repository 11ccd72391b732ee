package cl2cm.engine;

import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;

/** Random test inputs. */
public final class TestData {
    private TestData() {
    }

    /** Uniform values in [-1, 1). */
    public static double[] uniform(Rng rng, int... shape) {
        double[] v = new double[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble() * 2 - 1;
        }
        return v;
    }

    /** Values in [lo, hi). */
    public static double[] range(Rng rng, double lo, double hi, int... shape) {
        double[] v = new double[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return v;
    }

    /** Values bounded away from zero (|x| in [0.1, 1]) with random signs, for ops with a kink at 0. */
    public static double[] awayFromZero(Rng rng, int... shape) {
        double[] v = range(rng, 0.1, 1.0, shape);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble() < 0.5 ? -v[i] : v[i];
        }
        return v;
    }

    /** Distinct values (a shuffled ramp plus noise), so max and max-pooling have no ties. */
    public static double[] distinct(Rng rng, int... shape) {
        int n = (int) Shape.numel(shape);
        int[] p = rng.permutation(n);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (p[i] - n / 2.0) / n * 2 + 0.01 * rng.nextDouble() / n;
        }
        return v;
    }
}

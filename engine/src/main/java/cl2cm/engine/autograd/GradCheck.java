package cl2cm.engine.autograd;

import cl2cm.engine.backend.Devices;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.function.Function;

/**
 * Finite-difference gradient checking in float64 (like torch.autograd.gradcheck). The function's output is
 * reduced with fixed random weights, L = sum(w * f(x)), so every output element's gradient path is exercised; then
 * each input element is nudged by +-eps and the central difference of L is compared with the analytic gradient.
 *
 * <p>The analytic pass also checks each op's saved tensors ({@link Graph#record}): the function runs as a layer
 * would ({@link TensorScope.Frame}) on copies of the inputs made inside it, and its output is copied out, so every
 * input, output and temporary that no rule declared saved is freed before backward, and a rule that reads one
 * fails, naming the release.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** Inputs are given as values and shapes; the function must be deterministic. */
    public record Input(double[] values, int[] shape) {
        public static Input of(double[] values, int... shape) {
            return new Input(values, shape);
        }
    }

    public static void check(String name, Function<Tensor[], Tensor> f, Input... inputs) {
        check(name, f, 1e-6, 1e-5, 1e-4, inputs);
    }

    public static void check(String name, Function<Tensor[], Tensor> f, double eps, double atol, double rtol,
                             Input... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = Tensor.of(inputs[i].values(), DType.F64, Devices.cpu(), inputs[i].shape()).requiresGrad(true);
        }
        Tensor weights;
        try (TensorScope scope = TensorScope.open("gradcheck " + name)) {
            TensorScope.Frame frame = TensorScope.Frame.enter();
            Tensor out;
            try {
                Tensor[] made = new Tensor[leaves.length];
                for (int i = 0; i < leaves.length; i++) {
                    made[i] = leaves[i].mul(1.0);   // its rule reads nothing: freed unless the function's ops save it
                }
                Tensor y = f.apply(made);
                if (y.dtype() != DType.F64) {
                    throw new IllegalArgumentException(name + ": the checked function must compute in float64");
                }
                out = y.mul(1.0);
            } catch (RuntimeException e) {
                frame.abandon();
                throw e;
            }
            frame.exit(out);
            weights = TensorScope.persistent(() -> new Rng(1234).normal(0, 1, DType.F64, Devices.cpu(),
                    out.shape()));
            out.mul(weights).sum().backward();
        }

        for (int i = 0; i < inputs.length; i++) {
            double[] analytic = leaves[i].grad() == null ? new double[inputs[i].values().length]
                    : leaves[i].grad().toDoubleArray();
            double[] x = inputs[i].values().clone();
            for (int j = 0; j < x.length; j++) {
                double orig = x[j];
                x[j] = orig + eps;
                double plus = evaluate(f, inputs, i, x, weights);
                x[j] = orig - eps;
                double minus = evaluate(f, inputs, i, x, weights);
                x[j] = orig;
                double numeric = (plus - minus) / (2 * eps);
                if (!(Math.abs(analytic[j] - numeric) <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError(String.format(
                            "%s: gradient of input %d %s at flat index %d: analytic %.9g, numeric %.9g", name, i,
                            Shape.str(inputs[i].shape()), j, analytic[j], numeric));
                }
            }
        }
    }

    private static double evaluate(Function<Tensor[], Tensor> f, Input[] inputs, int which, double[] x, Tensor w) {
        try (var g = GradMode.disabled()) {
            Tensor[] ts = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                ts[i] = Tensor.of(i == which ? x : inputs[i].values(), DType.F64, Devices.cpu(), inputs[i].shape());
            }
            return f.apply(ts).mul(w).sum().item();
        }
    }
}

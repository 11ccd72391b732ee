package cl2cm.examples;

import cl2cm.engine.autograd.GradCheck;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;

import java.io.PrintStream;

/**
 * The first stop of docs/learn.md: a two-layer computation, its gradients by reverse-mode autograd, one of them
 * worked out by hand, and all of them checked by finite differences. Run it with {@code bin/cl2cm learn autograd}.
 */
public final class AutogradTour {
    private AutogradTour() {
    }

    public static void run(PrintStream out) {
        // x: 2 inputs of 3 features; w: a 3 -> 2 weight; b: a bias row. float64, so finite differences are exact enough.
        Tensor x = Tensor.of(new double[]{0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, DType.F64, 2, 3);
        Tensor w = Tensor.of(new double[]{0.1, -0.2, 0.4, 0.3, -0.5, 0.2}, DType.F64, 3, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[]{0.05, -0.1}, DType.F64, 2).requiresGrad(true);

        Tensor h = x.matmul(w).add(b).tanh();   // [2, 2]; each op records a Node with its gradient rule
        Tensor loss = h.sum();                  // a scalar, the root of the graph
        out.println("h    = " + h);             // gradFn=tanh: the last op recorded
        out.println("loss = " + loss);

        loss.backward();                        // walks the recorded graph from loss back to the leaves w and b
        out.println("dloss/dw = " + w.grad());
        out.println("dloss/db = " + b.grad());

        // By hand: d sum(tanh(z)) / d b_j = sum_i (1 - h_ij^2), since z = xw + b adds b_j to every row.
        double[] hv = h.toDoubleArray();
        double[] byHand = {2 - hv[0] * hv[0] - hv[2] * hv[2], 2 - hv[1] * hv[1] - hv[3] * hv[3]};
        out.printf("by hand  = [%.6f, %.6f]%n", byHand[0], byHand[1]);

        // Central differences on every input element against the autograd gradients (throws on disagreement).
        GradCheck.check("tanh(xw + b)", t -> t[0].matmul(t[1]).add(t[2]).tanh().sum(),
                GradCheck.Input.of(x.toDoubleArray(), 2, 3), GradCheck.Input.of(w.toDoubleArray(), 3, 2),
                GradCheck.Input.of(b.toDoubleArray(), 2));
        out.println("finite differences agree with autograd for x, w and b");
    }
}

package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The floating-point operations of a step's matrix products, forward and backward, counted from the tape: what a
 * step asks of the tensor cores, to set an achieved rate against the card's GEMM peak (model FLOPs, as MFU counts
 * them; pointwise work, reductions and softmax are left out). A product's forward is
 * {@link OpProfiler#productFlops}; its gradient rule computes one product of the same size per operand that needs
 * a gradient (a bias's gradient is a sum, not a product); fused attention's backward recomputes Q K^T and forms
 * dV, dP, dQ and dK: five products for the forward's two.
 */
public final class ProductFlops implements OpHook {
    private final AtomicLong forward = new AtomicLong();
    private final AtomicLong backward = new AtomicLong();

    @Override
    public void forward(String op, Tensor[] inputs, Tensor output) {
        forward.addAndGet(OpProfiler.productFlops(op, inputs, output));
    }

    @Override
    public void backward(String op, Tensor output, Tensor[] inputs, Tensor outputGrad, Tensor[] inputGrads) {
        long f = OpProfiler.productFlops(op, inputs, output);
        if (f == 0) {
            return;
        }
        if (op.equals("attention")) {
            backward.addAndGet(f * 5 / 2);
            return;
        }
        int first = op.equals("addmm") ? 1 : 0;   // addmm's inputs: bias, a, b
        for (int i = first; i < inputGrads.length; i++) {
            if (inputGrads[i] != null) {
                backward.addAndGet(f);
            }
        }
    }

    public long forwardFlops() {
        return forward.get();
    }

    public long backwardFlops() {
        return backward.get();
    }

    public long total() {
        return forwardFlops() + backwardFlops();
    }

    /** Counts the products {@code body} runs (on this and every other thread) and returns the counter. */
    public static ProductFlops count(Runnable body) {
        ProductFlops counter = new ProductFlops();
        try (HookHandle h = OpHook.add(counter)) {
            body.run();
        }
        return counter;
    }
}

package cl2cm.engine.ops;

import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

/** Loss functions, composed from differentiable ops. */
public final class Losses {
    private Losses() {
    }

    /**
     * Mean cross-entropy of logits [..., C] against class ids (one per row); rows whose target equals
     * {@code ignoreIndex} do not count (PyTorch's ignore_index, reduction='mean').
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        int c = logits.size(-1);
        int rows = (int) (logits.numel() / Math.max(1, c));
        if (targets.length != rows) {
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for logits of shape "
                    + Shape.str(logits.shape()) + " (" + rows + " rows)");
        }
        int kept = 0;
        for (int t : targets) {
            kept += t == ignoreIndex ? 0 : 1;
        }
        if (kept == 0) {
            throw new IllegalArgumentException("crossEntropy: every target equals ignore index " + ignoreIndex
                    + "; the mean over no rows is undefined");
        }
        int[] flat = new int[kept];
        for (int i = 0, k = 0; i < rows; i++) {
            int t = targets[i];
            if (t == ignoreIndex) {
                continue;
            }
            if (t < 0 || t >= c) {
                throw new IllegalArgumentException("crossEntropy: target " + t + " at row " + i + " is not a class in [0, "
                        + c + ")");
            }
            flat[k++] = i * c + t;
        }
        Tensor logp = logits.reshape(rows, c).logSoftmax(-1).reshape(rows * c, 1);
        return Views.indexSelect(logp, 0, flat).sum().mul(-1.0 / kept);
    }

    /** Cross-entropy with no ignored rows. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, Integer.MIN_VALUE);
    }

    /**
     * KL(target || input) where {@code input} holds log-probabilities and {@code target} probabilities, summed
     * over all elements and divided by the size of dimension 0 (PyTorch's kl_div with reduction='batchmean').
     * Zero target probabilities contribute zero.
     */
    public static Tensor klDiv(Tensor inputLogProbs, Tensor target) {
        if (!java.util.Arrays.equals(inputLogProbs.shape(), target.shape())) {
            throw new IllegalArgumentException("klDiv: input " + Shape.str(inputLogProbs.shape()) + " and target "
                    + Shape.str(target.shape()) + " differ");
        }
        Tensor positive = Pointwise.gt(target, Tensor.zeros(target.dtype(), target.backend()));
        Tensor safeLogTarget = Pointwise.where(positive, target, Tensor.full(1.0, target.dtype(), target.backend())).log();
        Tensor pointwise = target.mul(safeLogTarget.sub(inputLogProbs));
        int batch = inputLogProbs.rank() == 0 ? 1 : inputLogProbs.size(0);
        return pointwise.sum().div(batch);
    }
}

package cl2cm.loss;

import cl2cm.engine.ops.Losses;
import cl2cm.engine.tensor.Tensor;

/**
 * Contrastive losses between two batches of L2-normalised embeddings where row i of each is a matching pair and
 * every other row of the batch is a negative.
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {
    }

    /**
     * Symmetric InfoNCE: with logits s = a b^T / tau, the mean of cross-entropy(s, diag) over rows and over columns.
     *
     * @param a   [B, D] embeddings, L2-normalised
     * @param b   [B, D] embeddings, L2-normalised
     * @param tau temperature (e.g. 0.05)
     */
    public static Tensor infoNce(Tensor a, Tensor b, double tau) {
        checkPair(a, b);
        int n = a.size(0);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i;
        }
        Tensor logits = a.matmul(b.mT()).div(tau);
        return Losses.crossEntropy(logits, labels).add(Losses.crossEntropy(logits.mT(), labels)).mul(0.5);
    }

    /**
     * VSE++ (Faghri et al.): hinge loss with margin against the hardest negative of each row and of each column,
     * summed over the batch.
     */
    public static Tensor vseTriplet(Tensor a, Tensor b, double margin) {
        checkPair(a, b);
        int n = a.size(0);
        Tensor s = a.matmul(b.mT());                                  // [B, B]
        double[] eye = new double[n * n];
        for (int i = 0; i < n; i++) {
            eye[i * n + i] = 1;
        }
        Tensor offDiag = Tensor.of(eye, s.dtype(), s.backend(), n, n).neg().add(1.0);
        Tensor diag = s.mul(Tensor.of(eye, s.dtype(), s.backend(), n, n)).sum(1, false); // [B]
        Tensor costB = s.sub(diag.unsqueeze(1)).add(margin).clamp(0, Double.MAX_VALUE).mul(offDiag);
        Tensor costA = s.sub(diag.unsqueeze(0)).add(margin).clamp(0, Double.MAX_VALUE).mul(offDiag);
        return costB.max(1, false).sum().add(costA.max(0, false).sum());
    }

    static void checkPair(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.size(0) != b.size(0) || a.size(1) != b.size(1)) {
            throw new IllegalArgumentException("contrastive loss needs two [B, D] batches of the same shape, got "
                    + cl2cm.engine.tensor.Shape.str(a.shape()) + " and " + cl2cm.engine.tensor.Shape.str(b.shape()));
        }
        if (a.size(0) < 2) {
            throw new IllegalArgumentException("contrastive loss needs a batch of at least 2 (no negatives otherwise)");
        }
    }
}

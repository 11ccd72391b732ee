package cl2cm.data;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.tensor.Tensor;

/**
 * The visual side of a batch: images [B, 3, H, W], feature vectors [B, D], or video frame features [B, F, D] with a
 * frame mask [B, F] (1 for a real frame, 0 for padding; null for the other two kinds).
 */
public record VisualBatch(Tensor input, Tensor mask) {
    public static VisualBatch of(Tensor input) {
        return new VisualBatch(input, null);
    }

    public VisualBatch to(Backend backend) {
        return new VisualBatch(input.to(backend), mask == null ? null : mask.to(backend));
    }

    public int size() {
        return input.size(0);
    }
}

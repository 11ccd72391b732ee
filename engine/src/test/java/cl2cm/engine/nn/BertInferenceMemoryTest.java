package cl2cm.engine.nn;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without gradients BertModel frees each layer's intermediates as it goes, and computes the same thing. */
class BertInferenceMemoryTest {
    @Test
    void noGradForwardKeepsOnlyLayerOutputs() {
        BertModel m = new BertModel(new BertConfig(50, 32, 4, 4, 64, 16, 2, 0, 0, 1e-12, 0.02, false, 0), new Rng(3),
                DType.F32, Devices.cpu());
        m.eval();
        int[] ids = {2, 7, 9, 3, 0, 2, 11, 12, 13, 3};
        Tensor mask = Tensor.of(new float[]{1, 1, 1, 1, 0, 1, 1, 1, 1, 1}, 2, 5);
        float[] withGrad;
        int ownedWithGrad;
        try (TensorScope s = TensorScope.open("grad")) {
            withGrad = m.forward(ids, 2, 5, mask, null).lastHiddenState().toFloatArray();
            ownedWithGrad = s.ownedCount();
        }
        try (TensorScope s = TensorScope.open("no grad"); var g = GradMode.disabled()) {
            float[] noGrad = m.forward(ids, 2, 5, mask, null).lastHiddenState().toFloatArray();
            assertArrayEquals(withGrad, noGrad);
            assertTrue(s.ownedCount() < ownedWithGrad / 3, "no-grad forward holds " + s.ownedCount()
                    + " storages, the recorded one " + ownedWithGrad);
        }
    }
}

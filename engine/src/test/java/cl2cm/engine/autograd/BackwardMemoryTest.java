package cl2cm.engine.autograd;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backward releases each activation gradient once the ops that consume it have run, and each activation a layer did
 * not return once the last gradient rule that saved it has run (TensorScope.Frame), so a step's memory peaks at about
 * its forward pass plus the parameter gradients, not at twice the forward pass, and ends with little more than the
 * gradients.
 */
class BackwardMemoryTest {
    @Test
    void backwardFreesGradientsAndActivationsAsItGoes() {
        Backend cpu = Devices.cpu();
        BertModel m = new BertModel(new BertConfig(60, 32, 3, 4, 128, 16, 2, 0.1, 0.1, 1e-12, 0.02, false, 0),
                new Rng(3), DType.F32, cpu);
        int[] ids = new int[8 * 16];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 2 + i % 50;
        }
        Tensor mask = Tensor.ones(8, 16);
        long paramBytes = 4L * m.parameterCount();
        try (TensorScope step = TensorScope.open("step")) {
            long before = cpu.memoryStats().inUse();
            Tensor loss = m.forward(ids, 8, 16, mask, null).lastHiddenState().mul(2.0).tanh().mean();
            long forward = cpu.memoryStats().inUse() - before;
            int storagesAfterForward = step.ownedCount();
            cpu.resetPeakMemory();
            loss.backward();
            long peakInBackward = cpu.memoryStats().peakInUse() - before;
            long afterBackward = cpu.memoryStats().inUse() - before;
            // Left over: the seed (ones), what the layers hand to their caller (the last layer's output and what
            // the test computed from it) and small per-row statistics in the step's scope, and the parameter
            // gradients outside it. The layers' activations went as backward went.
            assertTrue(step.ownedCount() <= storagesAfterForward / 2, "backward left " + step.ownedCount() + " of "
                    + storagesAfterForward + " storages in the step's scope");
            assertTrue(afterBackward - paramBytes <= forward / 8, "after backward " + afterBackward + " bytes, of "
                    + "which " + paramBytes + " parameter gradients, for a forward pass of " + forward);
            assertTrue(peakInBackward < forward + paramBytes + forward / 4, "backward peaked at " + peakInBackward
                    + " bytes for a forward pass of " + forward);
        }
    }
}

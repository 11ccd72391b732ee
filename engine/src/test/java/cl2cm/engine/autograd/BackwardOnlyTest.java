package cl2cm.engine.autograd;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tensors marked {@link TensorScope#forBackwardOnly} are freed by backward after their last reader, and only then. */
class BackwardOnlyTest {
    private static Tensor param() {
        return TensorScope.persistent(() -> Tensor.of(new double[]{0.5, -1.5, 2.0}, DType.F64, 3).requiresGrad(true));
    }

    /** y = tanh(w) read by two ops (exp and mul), z = sum(exp(y) * y); optionally y is marked. */
    private static double[] gradient(boolean mark, boolean[] releasedAfter) {
        Tensor w = param();
        try (TensorScope step = TensorScope.open("step")) {
            Tensor y = w.tanh();
            if (mark) {
                TensorScope.forBackwardOnly(y);
            }
            Tensor e = y.exp();
            Tensor z = e.mul(y).sum();
            z.backward();
            releasedAfter[0] = y.isReleased();
            assertFalse(e.isReleased(), "an unmarked intermediate stays until its scope closes");
            assertEquals(Math.exp(Math.tanh(0.5)) * Math.tanh(0.5) + Math.exp(Math.tanh(-1.5)) * Math.tanh(-1.5)
                    + Math.exp(Math.tanh(2.0)) * Math.tanh(2.0), z.item(), 1e-12, "the root stays readable");
            return w.grad().toDoubleArray();
        }
    }

    @Test
    void aMarkedTensorIsFreedAfterItsLastReaderAndGradientsAreUnchanged() {
        boolean[] released = new boolean[1];
        double[] plain = gradient(false, released);
        assertFalse(released[0]);
        double[] marked = gradient(true, released);
        assertTrue(released[0], "backward frees the marked tensor once tanh, exp and mul have run their rules");
        assertArrayEquals(plain, marked, 0.0);
    }

    @Test
    void readingAMarkedTensorAfterBackwardSaysWhoFreedIt() {
        Tensor w = param();
        try (TensorScope step = TensorScope.open("step")) {
            Tensor y = TensorScope.forBackwardOnly(w.tanh());
            y.mul(y).sum().backward();
            IllegalStateException e = assertThrows(IllegalStateException.class, y::toDoubleArray);
            assertTrue(e.getMessage().contains("freed by backward"), e.getMessage());
        }
    }

    @Test
    void aReaderOffThePathToTheRootKeepsItAlive() {
        Tensor w = param();
        try (TensorScope step = TensorScope.open("step")) {
            Tensor y = TensorScope.forBackwardOnly(w.tanh());
            Tensor unused = y.exp();        // recorded, but the loss does not depend on it
            y.sum().backward();
            assertTrue(y.isReleased(), "the readers that backward runs are all done");
            assertFalse(unused.isReleased());
            // A tensor read by an op that backward never reaches is freed by its scope, not by backward:
            Tensor v = TensorScope.forBackwardOnly(w.exp());
            Tensor both = v.add(w.sum());
            w.zeroGrad();
            w.sum().backward();
            assertFalse(v.isReleased(), "no op on the path to this root reads v");
            assertEquals(3, both.numel());
        }
    }
}

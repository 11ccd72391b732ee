package cl2cm.engine.ops;

import cl2cm.engine.autograd.GradCheck;
import cl2cm.engine.autograd.GradCheck.Input;
import cl2cm.engine.autograd.Graph;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checker itself must catch a wrong gradient rule. */
class GradCheckSelfTest {
    /** exp with a gradient rule that is off by a factor of 1.01. */
    private static Tensor badExp(Tensor x) {
        Tensor y = x.detach().exp();
        return Graph.record("bad_exp", y, new Tensor[]{x}, Graph.saves(y), g -> new Tensor[]{g.mul(y).mul(1.01)});
    }

    /** exp whose rule reads its output without declaring it saved. */
    private static Tensor undeclaredExp(Tensor x) {
        Tensor y = x.detach().exp();
        return Graph.record("undeclared_exp", y, new Tensor[]{x}, Graph.NOTHING_SAVED, g -> new Tensor[]{g.mul(y)});
    }

    @Test
    void detectsARuleThatReadsWhatItDidNotSave() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GradCheck.check("undeclared exp",
                t -> undeclaredExp(t[0]), Input.of(new double[]{0.1, -0.2, 0.3}, 3)));
        assertTrue(e.getMessage().contains("no gradient rule saved it"), e.getMessage());
    }

    @Test
    void detectsAWrongGradient() {
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.check("bad exp", t -> badExp(t[0]),
                Input.of(new double[]{0.1, -0.2, 0.3}, 3)));
        assertTrue(e.getMessage().contains("bad exp"), e.getMessage());
    }
}

package cl2cm.loss;

import cl2cm.engine.Fixtures;
import cl2cm.engine.autograd.GradCheck;
import cl2cm.engine.autograd.GradCheck.Input;
import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CL2CM losses against PyTorch implementations of the same definitions (fixtures/cl2cm_losses.safetensors made
 * by tools/fixtures/make_fixtures.py) and against finite differences.
 */
class LossesTest {
    private static Fixtures fx;

    @BeforeAll
    static void open() {
        fx = Fixtures.open("cl2cm_losses.safetensors");
    }

    @AfterAll
    static void close() {
        fx.close();
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void infoNceAndTripletMatchPyTorch(DType dt) {
        Tensor a = fx.get("infonce.in_a", dt).requiresGrad(true);
        Tensor b = fx.get("infonce.in_b", dt).requiresGrad(true);
        Tensor l = ContrastiveLoss.infoNce(a, b, 0.05);
        l.backward();
        double rtol = dt == DType.F32 ? 1e-4 : 1e-7; // inputs were normalised in float64 before rounding to float32
        fx.assertClose("infonce.loss", l, rtol);
        fx.assertClose("infonce.grad_a", a.grad(), rtol);
        fx.assertClose("infonce.grad_b", b.grad(), rtol);
        a.zeroGrad();
        b.zeroGrad();
        Tensor t = ContrastiveLoss.vseTriplet(a, b, 0.2);
        t.backward();
        fx.assertClose("triplet.loss", t, rtol);
        fx.assertClose("triplet.grad_a", a.grad(), rtol);
        fx.assertClose("triplet.grad_b", b.grad(), rtol);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sinkhornOtMatchesPyTorch(DType dt) {
        Tensor x = fx.get("ot.in_x", dt).requiresGrad(true);
        Tensor y = fx.get("ot.in_y", dt).requiresGrad(true);
        Tensor[] r = SinkhornOt.compute(x, y, fx.get("ot.in_xmask", dt), fx.get("ot.in_ymask", dt), 0.1, 30);
        r[0].backward();
        double rtol = Fixtures.rtol(dt) * 10;
        fx.assertClose("ot.plan", r[1], rtol);
        fx.assertClose("ot.loss", r[0], rtol);
        fx.assertClose("ot.grad_x", x.grad(), rtol);
        fx.assertClose("ot.grad_y", y.grad(), rtol);
    }

    @Test
    void transportPlanHasUniformMarginalsOverRealTokens() {
        Rng rng = new Rng(4);
        Tensor x = rng.normal(0, 1, DType.F64, cl2cm.engine.backend.Devices.cpu(), 2, 5, 6);
        Tensor y = rng.normal(0, 1, DType.F64, cl2cm.engine.backend.Devices.cpu(), 2, 4, 6);
        Tensor xm = Tensor.of(new double[]{0, 1, 1, 1, 0, 0, 1, 1, 0, 0}, DType.F64, 2, 5);
        Tensor ym = Tensor.of(new double[]{0, 1, 1, 0, 0, 1, 1, 1}, DType.F64, 2, 4);
        Tensor plan = SinkhornOt.compute(x, y, xm, ym, 0.05, 200)[1];
        double[] rows = plan.sum(2, false).toDoubleArray();   // marginal over source tokens
        double[] cols = plan.sum(1, false).toDoubleArray();
        double[] expectRows = {0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0, 0.5, 0.5, 0, 0};
        double[] expectCols = {0, 0.5, 0.5, 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0};
        for (int i = 0; i < rows.length; i++) {
            assertEquals(expectRows[i], rows[i], 1e-6, "row marginal " + i);
        }
        for (int i = 0; i < cols.length; i++) {
            assertEquals(expectCols[i], cols[i], 1e-6, "column marginal " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void distillationMatchesPyTorch(DType dt) {
        Tensor student = fx.get("kd.in_student", dt).requiresGrad(true);
        Tensor l = RelationalDistillation.loss(fx.get("kd.in_teacher", dt), student, 0.1, 0.05);
        l.backward();
        fx.assertClose("kd.loss", l, Fixtures.rtol(dt) * 10);
        fx.assertClose("kd.grad_student", student.grad(), Fixtures.rtol(dt) * 10);
    }

    @Test
    void finiteDifferences() {
        Rng r = new Rng(8);
        GradCheck.check("infoNCE", t -> ContrastiveLoss.infoNce(Nn.l2Normalize(t[0], -1, 1e-12),
                Nn.l2Normalize(t[1], -1, 1e-12), 0.1), Input.of(cl2cm.engine.TestData.uniform(r, 5, 7), 5, 7),
                Input.of(cl2cm.engine.TestData.uniform(r, 5, 7), 5, 7));
        GradCheck.check("KD student", t -> RelationalDistillation.loss(Tensor.of(cl2cm.engine.TestData.uniform(
                new Rng(1), 4, 4), DType.F64, 4, 4), t[0], 0.2, 0.1), Input.of(cl2cm.engine.TestData.uniform(r, 4, 4), 4, 4));
        Tensor xm = Tensor.of(new double[]{0, 1, 1, 1, 0, 1, 1, 0}, DType.F64, 2, 4);
        Tensor ym = Tensor.of(new double[]{0, 1, 1, 0, 1, 1}, DType.F64, 2, 3);
        // The plan is a constant of the loss: check x -> <P0, C(x)> with P0 computed at the base point.
        Input x = Input.of(cl2cm.engine.TestData.uniform(r, 2, 4, 5), 2, 4, 5);
        Input y = Input.of(cl2cm.engine.TestData.uniform(r, 2, 3, 5), 2, 3, 5);
        Tensor p0 = SinkhornOt.plan(SinkhornOt.cost(Tensor.of(x.values(), DType.F64, 2, 4, 5),
                Tensor.of(y.values(), DType.F64, 2, 3, 5)), xm, ym, 0.1, 20);
        GradCheck.check("OT with the plan held constant", t -> SinkhornOt.transportCost(p0, SinkhornOt.cost(t[0], t[1])),
                x, y);
    }

    @Test
    void badShapesAreClearErrors() {
        Tensor a = Tensor.zeros(3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContrastiveLoss.infoNce(a, Tensor.zeros(2, 4), 0.05));
        assertEquals(true, e.getMessage().contains("[3, 4] and [2, 4]"), e.getMessage());
    }
}

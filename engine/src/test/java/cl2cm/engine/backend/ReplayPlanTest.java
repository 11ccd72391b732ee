package cl2cm.engine.backend;

import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayPlanTest {
    private static final ReplayPlan RECORDED = new ReplayPlan(ReplayPlan.Mode.RECORDED, null);

    @Test
    void aBackendWithoutRecordingRunsEagerAndSaysWhy() {
        ReplayPlan plan = ReplayPlan.of(Devices.cpu());
        assertFalse(plan.recorded());
        assertFalse(plan.fixedShapes());
        assertTrue(plan.describe().contains("no step recording"), plan.describe());
    }

    @Test
    void theFirstRuleThatNeedsEagerStepsGivesTheReason() {
        ReplayPlan plan = RECORDED.unless(false, "not this").unless(true, "--profile times every op")
                .unless(true, "--trace records every op");
        assertEquals(ReplayPlan.Mode.EAGER, plan.mode());
        assertEquals("run op by op (--profile times every op)", plan.describe());
        assertTrue(RECORDED.unless(false, "no").recorded());
    }

    @Test
    void fixedShapesRunTheBodyEveryTimeAndTurnEagerLikeARecording() {
        ReplayPlan plan = ReplayPlan.fixedShapes("test");
        assertTrue(plan.fixedShapes());
        assertFalse(plan.recorded());
        int[] runs = {0};
        Backend be = Devices.cpu();
        try (ReplayableStep step = plan.step(be, "count", () -> {
            runs[0]++;
            return Tensor.scalar(runs[0], cl2cm.engine.tensor.DType.F32, be);
        })) {
            assertInstanceOf(ReplayableStep.Eager.class, step);
            step.run();
            assertEquals(2.0, step.run().item());
        }
        assertEquals(ReplayPlan.Mode.EAGER, plan.unless(true, "video frames vary").mode());
    }
}

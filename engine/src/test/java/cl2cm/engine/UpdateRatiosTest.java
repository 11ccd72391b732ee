package cl2cm.engine;

import cl2cm.engine.nn.Parameter;
import cl2cm.engine.optim.UpdateRatios;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Update-to-parameter ratios per group: ||after - before|| / ||before||, frozen parameters left out. */
class UpdateRatiosTest {
    @Test
    void ratioPerGroupOfOneUpdate() {
        Parameter w1 = Parameter.of(Tensor.of(new double[]{3, 4}, DType.F64, 2));       // norm 5
        Parameter w2 = Parameter.of(Tensor.of(new double[]{0, 12}, DType.F64, 2));      // group norm 13 with w1
        Parameter v = Parameter.of(Tensor.of(new double[]{2}, DType.F64, 1));
        Parameter frozen = Parameter.of(Tensor.of(new double[]{1}, DType.F64, 1));
        frozen.requiresGrad(false);
        Map<String, Parameter> named = new LinkedHashMap<>();
        named.put("text.bert.layer.0.weight", w1);
        named.put("text.bert.layer.1.weight", w2);
        named.put("vision.bias", v);
        named.put("teacher.proj.weight", frozen);
        Map<String, Double> ratios;
        try (UpdateRatios u = UpdateRatios.snapshot(named, 2)) {
            w1.copyFrom(Tensor.of(new double[]{3, 4.3}, DType.F64, 2), "w1");      // moved by 0.3
            w2.copyFrom(Tensor.of(new double[]{0.4, 12}, DType.F64, 2), "w2");     // moved by 0.4
            v.copyFrom(Tensor.of(new double[]{2.02}, DType.F64, 1), "v");
            ratios = u.ratios();
        }
        assertEquals(java.util.List.of("text.bert", "vision"), java.util.List.copyOf(ratios.keySet()),
                "groups by the first two name components (fewer for short names); frozen parameters left out");
        assertEquals(0.5 / 13, ratios.get("text.bert"), 1e-12, "sqrt(0.3^2 + 0.4^2) / sqrt(5^2 + 12^2)");
        assertEquals(0.01, ratios.get("vision"), 1e-12);
    }

    @Test
    void closeReleasesTheCopies() {
        Parameter w = Parameter.of(Tensor.of(new double[1000], DType.F64, 1000));
        var cpu = w.backend();
        long before = cpu.memoryStats().inUse();
        UpdateRatios u = UpdateRatios.snapshot(Map.of("a.b", w), 2);
        assertTrue(cpu.memoryStats().inUse() >= before + 8000, "a copy of the weights");
        u.ratios();
        u.close();
        u.close();   // twice is harmless
        assertEquals(before, cpu.memoryStats().inUse(), "copies and differences released");
        assertThrows(IllegalStateException.class, u::ratios);
    }
}

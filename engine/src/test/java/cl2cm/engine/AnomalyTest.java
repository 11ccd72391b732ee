package cl2cm.engine;

import cl2cm.engine.autograd.Anomaly;
import cl2cm.engine.autograd.OpHook;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anomaly mode names the op, shapes and source line of a deliberately injected NaN, forward and backward. */
class AnomalyTest {
    @TempDir
    Path dir;

    @Test
    void aNanInForwardNamesItsOpAndLineAndSavesTheInputs() throws IOException {
        Tensor x = Tensor.of(new double[]{1, -2, 3}, DType.F64, 3).requiresGrad(true);
        Anomaly.AnomalyError e;
        try (var on = Anomaly.enable(dir)) {
            Tensor y = x.mul(2.0);
            e = assertThrows(Anomaly.AnomalyError.class, () -> y.log());   // log(-4) = NaN: this line is named
        }
        String m = e.getMessage();
        assertTrue(m.contains("forward") && m.contains("op 'log'") && m.contains("NaN at element 1"), m);
        assertTrue(m.contains("AnomalyTest.java:" + lineOf("y.log()")), m);
        Path dump = dir.resolve("anomaly-log.safetensors");
        assertTrue(m.contains(dump.toString()), m);
        assertArrayEquals(new double[]{2, -4, 6}, SafeTensors.read(dump).get("input_0").toDoubleArray());
    }

    @Test
    void aBadGradientNamesTheRuleThatMadeIt() {
        Tensor x = Tensor.of(new double[]{4, 0, 1}, DType.F64, 3).requiresGrad(true);
        try (var on = Anomaly.enable(dir)) {
            Tensor loss = x.sqrt().sum();   // forward is finite; d sqrt(x)/dx = inf at 0
            Anomaly.AnomalyError e = assertThrows(Anomaly.AnomalyError.class, loss::backward);
            String m = e.getMessage();
            assertTrue(m.contains("backward") && m.contains("op 'sqrt'") && m.contains("Infinity at element 1")
                    && m.contains("from a finite output gradient"), m);
            assertTrue(m.contains("AnomalyTest.java:" + lineOf("x.sqrt().sum()")), m);
        }
    }

    @Test
    void theModuleIsNamedByItsDottedPath() {
        HooksTest.Net net = new HooksTest.Net();
        net.layers.get(1).namedParameters().get("weight").copyFrom(
                Tensor.of(new double[]{Double.NaN, 0, 0, 0}, DType.F64, 2, 2), "weight");
        try (var on = Anomaly.enable(dir)) {
            Anomaly.AnomalyError e = assertThrows(Anomaly.AnomalyError.class,
                    () -> net.forward(Tensor.of(new double[]{1, 1}, DType.F64, 1, 2)));
            assertTrue(e.getMessage().contains("in layer.1 (Linear in Net)"), e.getMessage());
        }
    }

    @Test
    void hooksSeeEveryOpBothWaysAndCanBeRemoved() {
        List<String> seen = new ArrayList<>();
        Tensor x = Tensor.of(new double[]{1, 2}, DType.F64, 2).requiresGrad(true);
        try (var h = OpHook.add(new OpHook() {
            @Override
            public void forward(String op, Tensor[] inputs, Tensor output) {
                seen.add("forward " + op);
            }

            @Override
            public void backward(String op, Tensor output, Tensor[] inputs, Tensor g, Tensor[] grads) {
                seen.add("backward " + op);
            }
        })) {
            x.exp().sum().backward();
        }
        x.exp();   // after close: not seen
        assertEquals(List.of("forward exp", "forward sum", "backward sum", "backward exp"), seen);
    }

    /** The line of this file that contains {@code code} (so the test does not hard-code line numbers). */
    private static int lineOf(String code) throws RuntimeException {
        try {
            List<String> lines = Files.readAllLines(Path.of("src/test/java/cl2cm/engine/AnomalyTest.java"));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(code) && !lines.get(i).contains("lineOf")) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException(code + " not found");
    }
}

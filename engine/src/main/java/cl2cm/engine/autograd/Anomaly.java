package cl2cm.engine.autograd;

import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Anomaly mode: every op's output in forward and every gradient in backward is checked for NaN and infinity, and the
 * first offender stops the computation with an {@link AnomalyError} naming the op, its shapes, the modules it ran in
 * and the source line that created it, with the op's inputs written to a safetensors file for a unit test. Forward
 * outputs are checked as well as gradients, so a NaN loss is caught at the op that made it rather than blamed on a
 * later one. Costly (every value is read on the host): a debugging mode, off by default; on CUDA it needs eager steps.
 */
public final class Anomaly implements OpHook {
    private final Path dumpDir;
    /** Where each op's output was created (class, method, line), for naming it again when its gradient goes bad. */
    private final Map<Tensor, String> sites = Collections.synchronizedMap(new WeakHashMap<>());

    private Anomaly(Path dumpDir) {
        this.dumpDir = dumpDir;
    }

    /** Turns anomaly mode on until the handle is closed; inputs of an offending op are written into {@code dumpDir}. */
    public static HookHandle enable(Path dumpDir) {
        return OpHook.add(new Anomaly(dumpDir));
    }

    /** The error anomaly mode stops with; one line, so the CLI prints it as it is. */
    public static final class AnomalyError extends IllegalStateException {
        public AnomalyError(String message) {
            super(message);
        }
    }

    @Override
    public void forward(String op, Tensor[] inputs, Tensor output) {
        String site = CallSite.here().toString();
        if (output.requiresGrad()) {
            sites.put(output, site);
        }
        String bad = firstNonFinite(output);
        if (bad != null) {
            throw new AnomalyError("anomaly in forward: op '" + op + "' produced " + bad + " in its output "
                    + Shape.str(output.shape()) + " from inputs " + shapes(inputs) + ", " + site + dump(op, inputs));
        }
    }

    @Override
    public void backward(String op, Tensor output, Tensor[] inputs, Tensor outputGrad, Tensor[] inputGrads) {
        for (int k = 0; k < inputGrads.length; k++) {
            String bad = inputGrads[k] == null ? null : firstNonFinite(inputGrads[k]);
            if (bad != null) {
                String from = firstNonFinite(outputGrad) == null ? "from a finite output gradient"
                        : "passing on a non-finite output gradient";
                throw new AnomalyError("anomaly in backward: the gradient rule of op '" + op + "' produced " + bad
                        + " in the gradient of input " + k + " " + Shape.str(inputGrads[k].shape()) + " " + from
                        + " (inputs " + shapes(inputs) + "); the op was " + sites.getOrDefault(output,
                        "created where anomaly mode was off") + dump(op, inputs));
            }
        }
    }

    /** "NaN at element 3" for the first non-finite element, or null. */
    private static String firstNonFinite(Tensor t) {
        if (t.isReleased()) {
            return null;
        }
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return v[i] + " at element " + i;
            }
        }
        return null;
    }

    private static String shapes(Tensor[] inputs) {
        List<String> s = new ArrayList<>();
        for (Tensor t : inputs) {
            s.add(t == null ? "none" : Shape.str(t.shape()));
        }
        return String.join(", ", s);
    }

    /** Writes the op's inputs for a unit test; returns "; inputs written to FILE" (or why not). */
    private String dump(String op, Tensor[] inputs) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null && !inputs[i].isReleased()) {
                tensors.put("input_" + i, Tensor.of(inputs[i].toDoubleArray(), inputs[i].dtype(),
                        inputs[i].shape()));
            }
        }
        Path file = dumpDir.resolve("anomaly-" + op.replaceAll("[^A-Za-z0-9_-]", "_") + ".safetensors");
        try (var g = GradMode.disabled()) {
            Files.createDirectories(dumpDir);
            SafeTensors.write(file, tensors, Map.of("op", op));
            return "; inputs written to " + file;
        } catch (IOException | RuntimeException e) {
            return "; inputs not written (" + e.getMessage() + ")";
        }
    }
}

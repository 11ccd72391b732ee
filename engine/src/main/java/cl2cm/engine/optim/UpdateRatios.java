package cl2cm.engine.optim;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The update-to-parameter ratio of one optimizer step per parameter group, ||w_after − w_before|| / ||w_before||:
 * about 1e-3 is the usual healthy order; far below, a group barely learns; far above, the rate is too high for it.
 * Groups are the first {@code depth} components of the dotted parameter names (e.g. {@code text.bert}). Take a
 * snapshot before the step, read {@link #ratios()} after it, then close: the copies are device memory, released
 * explicitly rather than left to a scope that the step itself opens and closes.
 */
public final class UpdateRatios implements AutoCloseable {
    private final Map<String, List<Parameter>> params = new LinkedHashMap<>();
    private final Map<String, List<Tensor>> before = new LinkedHashMap<>();
    private boolean closed;

    private UpdateRatios() {
    }

    /** Copies the trainable parameters (those that require gradients), grouped by name prefix. */
    public static UpdateRatios snapshot(Map<String, Parameter> named, int depth) {
        UpdateRatios u = new UpdateRatios();
        try (var g = GradMode.disabled()) {
            for (Map.Entry<String, Parameter> e : named.entrySet()) {
                if (!e.getValue().requiresGrad()) {
                    continue;
                }
                String group = group(e.getKey(), depth);
                Parameter p = e.getValue();
                u.params.computeIfAbsent(group, k -> new ArrayList<>()).add(p);
                u.before.computeIfAbsent(group, k -> new ArrayList<>()).add(TensorScope.persistent(p::contiguousCopy));
            }
        }
        return u;
    }

    static String group(String name, int depth) {
        String[] parts = name.split("\\.");
        int n = Math.max(1, Math.min(depth, parts.length - 1));
        return String.join(".", java.util.Arrays.copyOf(parts, n));
    }

    /** Group name to ratio (0 where a group's weights are all zero and did not move; NaN if they overflowed). */
    public Map<String, Double> ratios() {
        if (closed) {
            throw new IllegalStateException("update ratios read after close: the snapshot is released");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        try (TensorScope scope = TensorScope.open("update ratios"); var g = GradMode.disabled()) {
            for (Map.Entry<String, List<Parameter>> e : params.entrySet()) {
                List<Tensor> old = before.get(e.getKey());
                List<Storage> deltas = new ArrayList<>();
                List<Storage> olds = new ArrayList<>();
                for (int i = 0; i < old.size(); i++) {
                    deltas.add(e.getValue().get(i).sub(old.get(i)).contiguous().storage());
                    olds.add(old.get(i).storage());
                }
                double delta = norm(deltas, old.get(0));
                double base = norm(olds, old.get(0));
                out.put(e.getKey(), base == 0 ? (delta == 0 ? 0 : Double.POSITIVE_INFINITY) : delta / base);
            }
        }
        return out;
    }

    /** One multi-tensor pass (as gradient clipping does), read back once per group. */
    private static double norm(List<Storage> xs, Tensor like) {
        Tensor n = Tensor.zeros(DType.F64, like.backend());
        like.backend().globalNorm(xs, n.storage());
        return n.item();
    }

    @Override
    public void close() {
        for (List<Tensor> ts : before.values()) {
            for (Tensor t : ts) {
                if (!t.storage().isReleased()) {
                    t.storage().release();
                }
            }
        }
        before.clear();
        closed = true;
    }
}

package cl2cm.engine.optim;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.OptimizerKernels;
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
 * Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay), with PyTorch's update rule and
 * bias correction; all parameters of a backend in one fused multi-tensor kernel.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    /**
     * {lr * scale, t} of the current step for each learning-rate scale in use (see {@link #scaleLr}): made by the
     * first apply() that meets the scale, refilled by every later prepareStep(), and uploaded by applyStep() (see
     * Backend.adamUpdate). The arrays stay the same objects, so that a replayed step reads the current values.
     */
    private final Map<Double, double[]> stepScalars = new java.util.TreeMap<>();

    private Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
                 boolean decoupled) {
        super(params, lr);
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** torch.optim.Adam. */
    public static Adam adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps,
                            double weightDecay) {
        return new Adam(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    /** torch.optim.AdamW. */
    public static Adam adamW(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps,
                             double weightDecay) {
        return new Adam(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    @Override
    public void prepareStep() {
        super.prepareStep();
        stepScalars.forEach(this::fillScalars);
    }

    private double[] fillScalars(double scale, double[] scalars) {
        scalars[0] = lr * scale;
        scalars[1] = step;
        return scalars;
    }

    @Override
    protected boolean replayable() {
        return true;
    }

    @Override
    protected void apply(List<Update> updates) {
        // One multi-tensor update per (backend, learning-rate scale).
        record Group(Backend backend, double scale) {
        }
        Map<Group, List<OptimizerKernels.AdamTensors>> groups = new LinkedHashMap<>();
        for (Update u : updates) {
            Parameter p = u.param();
            Tensor m = slot("exp_avg", u.name(), p);
            Tensor v = slot("exp_avg_sq", u.name(), p);
            groups.computeIfAbsent(new Group(p.backend(), lrScale(u.name())), g -> new ArrayList<>())
                    .add(new OptimizerKernels.AdamTensors(p.storage(), u.grad().storage(), m.storage(), v.storage()));
        }
        groups.forEach((group, tensors) -> {
            try (TensorScope scope = TensorScope.open("adam step scalars")) {
                double[] current = stepScalars.computeIfAbsent(group.scale(), k -> fillScalars(k, new double[2]));
                Storage scalars = group.backend().fromDoubles(DType.F64, current);
                group.backend().adamUpdate(tensors, scalars, beta1, beta2, eps, weightDecay, decoupled);
            }
        });
    }

    @Override
    protected void update(String name, Parameter p, Tensor grad) {
        apply(List.of(new Update(name, p, grad)));
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> m = super.metadata();
        m.put("decoupled_weight_decay", Boolean.toString(decoupled));
        return m;
    }
}

package cl2cm.engine.optim;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates named parameters from their gradients. State tensors (moments, momentum buffers) are persistent, named
 * {@code <slot>.<parameter name>}, and saved and restored with {@link #stateDict()} / {@link #loadStateDict} so
 * training can resume exactly.
 */
public abstract class Optimizer {
    protected final Map<String, Parameter> params;
    protected final Map<String, Tensor> state = new LinkedHashMap<>();
    /** Learning-rate multipliers by parameter name (absent: 1). */
    private final Map<String, Double> lrScales = new LinkedHashMap<>();
    protected double lr;
    protected long step;

    protected Optimizer(Map<String, Parameter> params, double lr) {
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
    }

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    /**
     * Updates the named parameter with {@code factor} times the learning rate from now on, e.g. pre-trained weights
     * fine-tuned more gently than layers trained from scratch (PyTorch: a parameter group with its own lr).
     */
    public void scaleLr(String name, double factor) {
        if (!params.containsKey(name)) {
            throw new IllegalArgumentException("scaleLr: no parameter '" + name + "' in this optimizer");
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("scaleLr: factor for '" + name + "' must be positive, got " + factor);
        }
        lrScales.put(name, factor);
    }

    /** The learning-rate multiplier of the named parameter (1 unless {@link #scaleLr} set another). */
    protected double lrScale(String name) {
        return lrScales.getOrDefault(name, 1.0);
    }

    /** Number of updates done so far. */
    public long stepCount() {
        return step;
    }

    /** Applies one update to every parameter that has a gradient: {@link #prepareStep()} then {@link #applyStep()}. */
    public final void step() {
        prepareStep();
        applyStep();
    }

    /**
     * The host half of a step: counts it. Split from {@link #applyStep()} for replayed steps
     * ({@link cl2cm.engine.backend.ReplayableStep}): call this before each run, and applyStep() inside the step.
     */
    public void prepareStep() {
        step++;
    }

    /**
     * The device half of a step: updates every parameter that has a gradient, with the learning rate and step count
     * that {@link #prepareStep()} left. What changes between steps reaches the kernels through uploads from host
     * arrays that prepareStep() refills, so that a replay of a recorded step uses the current values.
     */
    public final void applyStep() {
        if (step == 0) {
            throw new IllegalStateException("applyStep() before prepareStep()");
        }
        try (var g = GradMode.disabled()) {
            List<Update> updates = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Parameter p = e.getValue();
                if (p.grad() != null && p.requiresGrad()) {
                    if (p.backend().isCapturing() && !replayable()) {
                        throw new IllegalStateException(getClass().getSimpleName() + " passes its learning rate "
                                + "as a kernel argument and cannot be recorded for replay; use Adam/AdamW");
                    }
                    updates.add(new Update(e.getKey(), p, contiguousGrad(p)));
                }
            }
            apply(updates);
        }
    }

    /** Whether {@link #applyStep()} reads everything that changes per step from uploaded host arrays. */
    protected boolean replayable() {
        return false;
    }

    /** A parameter due for an update, under its name, with its (contiguous) gradient. */
    protected record Update(String name, Parameter param, Tensor grad) {
    }

    /**
     * Updates these parameters. The default goes one parameter at a time through {@link #update}; optimizers with a
     * multi-tensor kernel override it to update them all at once.
     */
    protected void apply(List<Update> updates) {
        for (Update u : updates) {
            update(u.name(), u.param(), u.grad());
        }
    }

    private static Tensor contiguousGrad(Parameter p) {
        Tensor g = p.grad();
        return g.isContiguous() ? g : g.contiguousCopy();
    }

    protected abstract void update(String name, Parameter p, Tensor grad);

    /** A zero state slot of the parameter's shape, created on first use and kept across steps. */
    protected Tensor slot(String slot, String name, Parameter p) {
        return state.computeIfAbsent(slot + "." + name, k -> {
            if (p.backend().isCapturing()) {
                // Its zero fill would be recorded too, and every replay would reset the state.
                throw new IllegalStateException("optimizer state " + k + " created while recording a replayable "
                        + "step: run the step once before recording it");
            }
            return TensorScope.persistent(() -> Tensor.zeros(p.dtype(), p.backend(), p.shape()));
        });
    }

    /**
     * Frees the state tensors (moments, momentum buffers) once training is over; a later step would start them
     * afresh. Device memory is not the garbage collector's to reclaim in time.
     */
    public void releaseState() {
        state.values().forEach(t -> t.storage().release());
        state.clear();
    }

    public void zeroGrad() {
        params.values().forEach(Tensor::zeroGrad);
    }

    /** State tensors by name; the step count and learning rate go in {@link #metadata()}. */
    public Map<String, Tensor> stateDict() {
        return new LinkedHashMap<>(state);
    }

    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("optimizer", getClass().getSimpleName());
        m.put("step", Long.toString(step));
        m.put("lr", Double.toString(lr));
        return m;
    }

    public void loadStateDict(Map<String, Tensor> saved, Map<String, String> metadata) {
        String kind = metadata.get("optimizer");
        if (kind != null && !kind.equals(getClass().getSimpleName())) {
            throw new IllegalArgumentException("optimizer state was saved by " + kind + ", not "
                    + getClass().getSimpleName());
        }
        step = Long.parseLong(metadata.getOrDefault("step", "0"));
        lr = Double.parseDouble(metadata.getOrDefault("lr", Double.toString(lr)));
        state.clear();
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            Parameter p = dot < 0 ? null : params.get(key.substring(dot + 1));
            if (p == null) {
                throw new IllegalArgumentException("optimizer state '" + key + "' names no parameter of this model");
            }
            if (!java.util.Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("optimizer state '" + key + "' has shape "
                        + Shape.str(e.getValue().shape()) + ", parameter has " + Shape.str(p.shape()));
            }
            Tensor copy = TensorScope.persistent(() -> Tensor.zeros(p.dtype(), p.backend(), p.shape()));
            copy.backend().copy(e.getValue().detach().to(p.dtype()).to(p.backend()).view(), copy.view());
            state.put(key, copy);
        }
    }
}

package cl2cm.engine.nn;

import cl2cm.engine.autograd.HookHandle;
import cl2cm.engine.autograd.ModulePath;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A layer or model: named parameters, named buffers (non-trained state such as batch-norm running statistics),
 * named child modules, and a train/eval mode. Names nest with dots, as in PyTorch state dicts
 * ({@code encoder.layer.0.attention.self.query.weight}), so weights load by name across both.
 */
public abstract class Module implements ModulePath.Node {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    /** Where this module was first registered as a child, for its dotted path; null for a root. */
    private Module parent;
    private String nameInParent;
    private final List<ForwardHook> forwardHooks = new CopyOnWriteArrayList<>();
    private static final List<ForwardHook> EVERY_MODULE_HOOKS = new CopyOnWriteArrayList<>();

    /** Sees a module's forward result (a tensor, or a record such as BERT's output) right after it is computed. */
    @FunctionalInterface
    public interface ForwardHook {
        void ran(Module module, Object output);
    }

    /** Calls {@code hook} after every forward of this module (PyTorch's register_forward_hook). */
    public HookHandle addForwardHook(ForwardHook hook) {
        forwardHooks.add(hook);
        return () -> forwardHooks.remove(hook);
    }

    /** Calls {@code hook} after every forward of every module, on every thread (a global forward hook). */
    public static HookHandle addForwardHookToEveryModule(ForwardHook hook) {
        EVERY_MODULE_HOOKS.add(hook);
        return () -> EVERY_MODULE_HOOKS.remove(hook);
    }

    /**
     * Runs a forward body as this module: the ops it records know the module they ran in ({@link ModulePath}), the
     * forward hooks see its result, and what it allocated but does not return is freed as soon as nothing reads it
     * ({@link TensorScope.Frame}: at once, or after the last gradient rule that saved it). Every layer's
     * {@code forward} goes through here, so no layer manages the lifetime of its activations.
     */
    protected final <T> T run(Supplier<T> body) {
        ModulePath.enter(this);
        TensorScope.Frame frame = TensorScope.Frame.enter();
        boolean returned = false;
        try {
            T out = body.get();
            frame.exit(out);
            returned = true;
            if (!forwardHooks.isEmpty() || !EVERY_MODULE_HOOKS.isEmpty()) {
                for (ForwardHook h : forwardHooks) {
                    h.ran(this, out);
                }
                for (ForwardHook h : EVERY_MODULE_HOOKS) {
                    h.ran(this, out);
                }
            }
            return out;
        } finally {
            if (!returned) {
                frame.abandon();
            }
            ModulePath.exit();
        }
    }

    /**
     * The dotted path from the root of this module's model, as in its parameter names ({@code
     * text.bert.encoder.layer.1.attention}); a root is named by its class.
     */
    @Override
    public String path() {
        if (parent == null) {
            return getClass().getSimpleName();
        }
        StringBuilder b = new StringBuilder(nameInParent);
        for (Module m = parent; m.parent != null; m = m.parent) {
            b.insert(0, '.').insert(0, m.nameInParent);
        }
        return b.toString();
    }

    /** The model this module belongs to (the end of its chain of parents; itself for a root). */
    public Module root() {
        Module root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return root;
    }

    @Override
    public String describe() {
        Module root = root();
        String cls = getClass().getSimpleName();
        return root == this ? cls : path() + " (" + cls + " in " + root.getClass().getSimpleName() + ")";
    }

    protected Parameter registerParameter(String name, Tensor init) {
        checkName(name);
        Parameter p = init instanceof Parameter existing ? existing : Parameter.of(init);
        parameters.put(name, p);
        return p;
    }

    protected Tensor registerBuffer(String name, Tensor init) {
        checkName(name);
        Tensor b = TensorScope.toPersistent(init);   // as Parameter.of: no second copy of a fresh value
        buffers.put(name, b);
        return b;
    }

    protected <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        Module child = module;
        if (child.parent == null && child != this) {   // a module shared by two parents keeps its first path
            child.parent = this;
            child.nameInParent = name;
        }
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("bad member name '" + name + "' (must be non-empty, without dots)");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("member '" + name + "' registered twice in " + getClass().getSimpleName());
        }
    }

    /** Every parameter with its dotted name, in registration order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, new LinkedHashMap<>());
        return out;
    }

    /** Every buffer with its dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", new LinkedHashMap<>(), out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> ps, Map<String, Tensor> bs) {
        parameters.forEach((k, v) -> ps.put(prefix + k, v));
        buffers.forEach((k, v) -> bs.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", ps, bs));
    }

    /** Parameters that currently require gradients (frozen ones are left out). */
    public List<Parameter> trainableParameters() {
        return new ArrayList<>(namedParameters().values().stream().filter(Tensor::requiresGrad).toList());
    }

    public Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    public long parameterCount() {
        return namedParameters().values().stream().mapToLong(Tensor::numel).sum();
    }

    /** Parameters and buffers by name (PyTorch's state_dict). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>(namedParameters());
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * What training changes: the state dict without the frozen parameters, which keep the values the model was built
     * with (a pre-trained encoder's lower layers, loaded from its own folder: 80 of mBERT's 96 million weights when
     * its top 2 layers train). Checkpoints and best weights store this.
     */
    public Map<String, Tensor> trainedStateDict() {
        Map<String, Tensor> out = stateDict();
        out.keySet().removeAll(frozenParameterNames());
        return out;
    }

    private Set<String> frozenParameterNames() {
        Set<String> frozen = new LinkedHashSet<>();
        namedParameters().forEach((k, p) -> {
            if (!p.requiresGrad()) {
                frozen.add(k);
            }
        });
        return frozen;
    }

    /**
     * Copies tensors into the parameters and buffers of the same names. With {@code strict}, unexpected names and
     * missing ones are errors, except frozen parameters, which keep their values (see {@link #trainedStateDict()});
     * a shape mismatch always is an error.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        Set<String> missing = new LinkedHashSet<>(own.keySet());
        missing.removeAll(state.keySet());
        missing.removeAll(frozenParameterNames());
        Set<String> unexpected = new LinkedHashSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException("state dict does not match " + getClass().getSimpleName()
                    + ": missing " + missing + ", unexpected " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                continue;
            }
            Tensor dst = e.getValue();
            if (dst instanceof Parameter p) {
                p.copyFrom(src, e.getKey());
            } else {
                if (!java.util.Arrays.equals(src.shape(), dst.shape())) {
                    throw new IllegalArgumentException("buffer '" + e.getKey() + "' has shape "
                            + Shape.str(dst.shape()) + " but the loaded tensor has shape " + Shape.str(src.shape()));
                }
                dst.backend().copy(src.detach().to(dst.dtype()).to(dst.backend()).view(), dst.view());
            }
        }
    }

    public void train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
    }

    public void eval() {
        train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Stops (or restarts) gradient computation for every parameter of this module. */
    public void setFrozen(boolean frozen) {
        namedParameters().values().forEach(p -> p.requiresGrad(!frozen));
    }

    public void zeroGrad() {
        namedParameters().values().forEach(Tensor::zeroGrad);
    }
}

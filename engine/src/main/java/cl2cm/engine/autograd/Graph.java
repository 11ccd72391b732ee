package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Storage;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Records operations and runs reverse-mode differentiation over what was recorded. */
public final class Graph {
    private Graph() {
    }

    /**
     * Attaches a gradient rule to {@code output} when grad mode is on and any input requires a gradient; returns
     * {@code output}. Every differentiable op ends with this call. {@code saved} lists the tensors whose values the
     * rule reads (inputs, the output, statistics; see {@link #saves}): they stay alive until it has run.
     */
    public static Tensor record(String op, Tensor output, Tensor[] inputs, Tensor[] saved, Node.GradientRule rule) {
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in != null && in.requiresGrad()) {
                    output.setGradFn(new Node(op, inputs, saved, rule));
                    break;
                }
            }
        }
        if (OpHook.Registry.any() && RULE_DEPTH.get()[0] == 0) {   // ops inside a gradient rule belong to backward
            OpHook.Registry.forward(op, inputs, output);
        }
        return output;
    }

    /** The tensors a gradient rule reads, for {@link #record}; nulls (absent optional operands) are left out. */
    public static Tensor[] saves(Tensor... tensors) {
        int n = 0;
        for (Tensor t : tensors) {
            n += t == null ? 0 : 1;
        }
        if (n == tensors.length) {
            return tensors;
        }
        Tensor[] out = new Tensor[n];
        int i = 0;
        for (Tensor t : tensors) {
            if (t != null) {
                out[i++] = t;
            }
        }
        return out;
    }

    /** For {@link #record}: a rule that reads no values (only the incoming gradient). */
    public static final Tensor[] NOTHING_SAVED = new Tensor[0];

    /**
     * Back-propagates {@code seed} (the gradient of some scalar with respect to {@code root}) through the graph,
     * accumulating into {@code .grad()} of every leaf that requires a gradient. The graph is freed afterwards.
     *
     * <p>Memory: gradients of intermediate tensors live only until the ops that consume them have run (each storage
     * is reference-counted while it waits in the pending map), and a gradient rule's own temporaries are released as
     * soon as the rule returns. Only leaf gradients, copied out of the backward scope, survive. Without this, a step
     * would hold every activation gradient at once, about as much memory again as the forward pass.
     */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: no parameter or input "
                    + "with requiresGrad took part in computing it (or it was computed under GradMode.disabled())");
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        try (var g = GradMode.disabled(); TensorScope scope = TensorScope.open("backward")) {
            PendingGradients pending = new PendingGradients(scope);
            grads.put(root, seed);
            pending.hold(seed);
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor grad = grads.remove(t);
                Node node = t.gradFn();
                if (grad == null) {
                    if (node != null) {
                        node.releaseSaved();   // its rule will not run
                    }
                    continue;
                }
                if (!t.gradHooks().isEmpty()) {
                    Tensor hooked = runGradHooks(t, grad);
                    if (hooked != grad) {
                        pending.hold(hooked);
                        pending.drop(grad);
                        grad = hooked;
                    }
                }
                if (node == null) {
                    accumulateLeaf(t, grad);
                    pending.drop(grad);
                    continue;
                }
                Tensor[] inputs = node.inputs();
                Tensor[] inputGrads = applyInOwnScope(node, grad);
                if (OpHook.Registry.any()) {
                    OpHook.Registry.backward(node.op(), t, inputs, grad, inputGrads);
                }
                node.free();   // its saved tensors go with it, when no other rule saved them
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in == null || !in.requiresGrad() || k >= inputGrads.length || inputGrads[k] == null) {
                        continue;
                    }
                    Tensor gk = inputGrads[k];
                    if (!java.util.Arrays.equals(gk.shape(), in.shape())) {
                        throw new IllegalStateException("gradient rule of '" + node.op() + "' returned shape "
                                + Shape.str(gk.shape()) + " for input " + k + " of shape " + Shape.str(in.shape()));
                    }
                    Tensor prev = grads.get(in);
                    Tensor next = prev == null ? gk : prev.add(gk);
                    grads.put(in, next);
                    pending.hold(next);
                    if (prev != null) {
                        pending.drop(prev);
                    }
                }
                for (Tensor gk : inputGrads) {
                    pending.releaseIfDead(gk);   // summed into another gradient, or for an input that needs none
                }
                pending.drop(grad);
            }
        }
    }

    /** The tensor's gradient hooks in turn; each gets what the one before returned. */
    private static Tensor runGradHooks(Tensor t, Tensor grad) {
        for (java.util.function.UnaryOperator<Tensor> hook : t.gradHooks()) {
            Tensor next = hook.apply(grad);
            if (next == null || !java.util.Arrays.equals(next.shape(), grad.shape())) {
                throw new IllegalStateException("a gradient hook of a tensor " + Shape.str(t.shape()) + " returned "
                        + (next == null ? "null" : "shape " + Shape.str(next.shape()))
                        + "; it must return the gradient (or a replacement of the same shape)");
            }
            grad = next;
        }
        return grad;
    }

    /** How many gradient rules this thread is inside (their ops are reported to hooks as backward, not forward). */
    private static final ThreadLocal<int[]> RULE_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** Runs the node's gradient rule in a scope of its own: the returned gradients are kept, its temporaries freed. */
    private static Tensor[] applyInOwnScope(Node node, Tensor grad) {
        int[] depth = RULE_DEPTH.get();
        depth[0]++;
        try (TensorScope ruleScope = TensorScope.open("gradient of " + node.op())) {
            Tensor[] inputGrads = node.applyRule(grad);
            for (Tensor gk : inputGrads) {
                if (gk != null) {
                    ruleScope.keep(gk);
                }
            }
            return inputGrads;
        } finally {
            depth[0]--;
        }
    }

    /**
     * Reference counts of the storages behind gradients waiting to be consumed (several gradients may share one
     * storage: rules return views, and {@code add} passes the same gradient to both inputs). A storage that no pending
     * gradient uses any more is released at once, provided backward allocated it.
     */
    private static final class PendingGradients {
        private final TensorScope scope;
        private final Map<Storage, Integer> counts = new IdentityHashMap<>();

        PendingGradients(TensorScope scope) {
            this.scope = scope;
        }

        void hold(Tensor t) {
            counts.merge(t.storage(), 1, Integer::sum);
        }

        void drop(Tensor t) {
            counts.computeIfPresent(t.storage(), (s, n) -> n == 1 ? null : n - 1);
            releaseIfDead(t);
        }

        void releaseIfDead(Tensor t) {
            if (t != null && !t.isReleased() && !counts.containsKey(t.storage())) {
                scope.releaseIfOwned(t.storage());
            }
        }
    }

    private static void accumulateLeaf(Tensor leaf, Tensor grad) {
        if (leaf.grad() == null) {
            // Leaf gradients outlive the step's scope, like the parameters they belong to.
            leaf.setGrad(TensorScope.persistent(() -> grad.contiguousCopy()));
        } else {
            Tensor acc = leaf.grad();
            Tensor g = grad.isContiguous() ? grad : grad.contiguousCopy();
            acc.backend().axpby(acc.storage(), 1.0, g.storage(), 1.0, acc.numel());
        }
    }

    /** Tensors reachable from root through grad functions, inputs before the tensors computed from them. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Node node = t.gradFn();
            Tensor[] inputs = node == null ? new Tensor[0] : node.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[]{in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}

package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Shape;
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
     * {@code output}. Every differentiable op ends with this call.
     */
    public static Tensor record(String op, Tensor output, Tensor[] inputs, Node.GradientRule rule) {
        if (!GradMode.isEnabled()) {
            return output;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                output.setGradFn(new Node(op, inputs, rule));
                return output;
            }
        }
        return output;
    }

    /**
     * Back-propagates {@code seed} (the gradient of some scalar with respect to {@code root}) through the graph,
     * accumulating into {@code .grad()} of every leaf that requires a gradient. The graph is freed afterwards.
     */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: no parameter or input "
                    + "with requiresGrad took part in computing it (or it was computed under GradMode.disabled())");
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (GradMode.Guard g = GradMode.set(false)) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor grad = grads.remove(t);
                if (grad == null) {
                    continue;
                }
                Node node = t.gradFn();
                if (node == null) {
                    accumulateLeaf(t, grad);
                    continue;
                }
                Tensor[] inputs = node.inputs();
                Tensor[] inputGrads = node.applyRule(grad);
                node.free();
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
                    grads.put(in, prev == null ? gk : prev.add(gk));
                }
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

package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Tensor;

/**
 * One recorded operation of the dynamic graph: its inputs and the gradient rule that maps the gradient of its
 * output to gradients of its inputs. The rule is a closure, so whatever it captures (inputs, outputs, statistics)
 * are the op's saved tensors; they are dropped once backward has used them.
 */
public final class Node {
    /** Gradients of the inputs given the gradient of the output (null entries for inputs that need none). */
    @FunctionalInterface
    public interface GradientRule {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String op;
    private Tensor[] inputs;
    private GradientRule rule;

    Node(String op, Tensor[] inputs, GradientRule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }

    public String op() {
        return op;
    }

    public Tensor[] inputs() {
        return inputs;
    }

    Tensor[] applyRule(Tensor gradOutput) {
        if (rule == null) {
            throw new IllegalStateException("backward through '" + op + "' a second time: the graph is freed after "
                    + "backward(); recompute the forward pass");
        }
        return rule.apply(gradOutput);
    }

    /**
     * Drops the saved tensors and the links to the inputs, so freed graphs hold no memory. The node stays attached to
     * its output, so a second backward through it fails loudly instead of treating the output as a leaf.
     */
    void free() {
        rule = null;
        inputs = new Tensor[0];
    }
}

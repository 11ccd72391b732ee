package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Tensor;

/**
 * One recorded operation of the dynamic graph: its inputs, the gradient rule that maps the gradient of its output to
 * gradients of its inputs, and the tensors that rule reads (its saved tensors, as in PyTorch's
 * {@code ctx.save_for_backward}). The rule is a closure over them; declaring them is what lets their memory go as
 * soon as the last rule that reads them has run ({@link cl2cm.engine.tensor.TensorScope.Frame}). A rule may read
 * the shapes and flags of any input, but the values only of what it saved.
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
    private Tensor[] saved;

    Node(String op, Tensor[] inputs, Tensor[] saved, GradientRule rule) {
        this.op = op;
        this.inputs = inputs;
        this.saved = saved;
        this.rule = rule;
        for (Tensor t : saved) {
            t.storage().saveForBackward();
        }
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
        releaseSaved();
    }

    /** The rule has run or will not run: its saved tensors are no longer held for it. */
    void releaseSaved() {
        Tensor[] s = saved;
        saved = NOTHING;
        for (Tensor t : s) {
            t.storage().doneWithBackward();
        }
    }

    private static final Tensor[] NOTHING = new Tensor[0];
}

package cl2cm.engine.autograd;

import java.util.ArrayDeque;

/**
 * The modules running on this thread, innermost on top, as {@code Module.run} enters and leaves them: instruments ask
 * for the dotted path of the innermost one (e.g. {@code text.bert.encoder.layer.1.attention}, as in the parameter
 * names) to say where an op ran. The path is computed only when asked, so entering a module costs a push and a pop.
 */
public final class ModulePath {
    /** A module as instruments see it (autograd knows no layers). */
    public interface Node {
        /** The dotted path from the root of its model, as in the parameter names. */
        String path();

        /** The path with the module's class and its model's, e.g. "text.bert (BertModel in CrossModal)". */
        String describe();
    }

    private static final ThreadLocal<ArrayDeque<Node>> RUNNING = ThreadLocal.withInitial(ArrayDeque::new);

    private ModulePath() {
    }

    public static void enter(Node module) {
        RUNNING.get().push(module);
    }

    public static void exit() {
        RUNNING.get().pop();
    }

    /** The innermost running module's dotted path, or "" outside every module. */
    public static String current() {
        Node top = RUNNING.get().peek();
        return top == null ? "" : top.path();
    }

    /** "text.bert.encoder.layer.1.attention (MultiHeadAttention in CrossModal)", or "" outside every module. */
    public static String describe() {
        Node top = RUNNING.get().peek();
        return top == null ? "" : top.describe();
    }

    /** The innermost running module, or null outside every module. */
    public static Node innermost() {
        return RUNNING.get().peek();
    }
}

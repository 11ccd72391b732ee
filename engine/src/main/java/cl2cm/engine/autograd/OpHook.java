package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Tensor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An observer of the autograd tape: every op as it computes its output ({@link #forward}, whether or not it is
 * recorded for backward) and every gradient rule as it runs ({@link #backward}). Register with {@link #add}; the
 * returned handle removes it. With no hook registered the tape costs one volatile read per op. Anomaly mode
 * ({@link Anomaly}) is built on this, and so can a user's own instruments be.
 */
public interface OpHook {
    /** {@code op} computed {@code output} from {@code inputs} (null entries are absent optional operands). */
    default void forward(String op, Tensor[] inputs, Tensor output) {
    }

    /**
     * The gradient rule of {@code op}, the op that computed {@code output} from {@code inputs}, turned
     * {@code outputGrad} into {@code inputGrads} (null where an input needs no gradient).
     */
    default void backward(String op, Tensor output, Tensor[] inputs, Tensor outputGrad, Tensor[] inputGrads) {
    }

    /** Registers a hook for every thread until the handle is closed. */
    static HookHandle add(OpHook hook) {
        Registry.HOOKS.add(hook);
        Registry.any = true;
        return () -> {
            Registry.HOOKS.remove(hook);
            Registry.any = !Registry.HOOKS.isEmpty();
        };
    }

    /** The registered hooks; {@link Graph} calls them. */
    final class Registry {
        private static final List<OpHook> HOOKS = new CopyOnWriteArrayList<>();
        private static volatile boolean any;

        private Registry() {
        }

        static boolean any() {
            return any;
        }

        static void forward(String op, Tensor[] inputs, Tensor output) {
            for (OpHook h : HOOKS) {
                h.forward(op, inputs, output);
            }
        }

        static void backward(String op, Tensor output, Tensor[] inputs, Tensor outputGrad, Tensor[] inputGrads) {
            for (OpHook h : HOOKS) {
                h.backward(op, output, inputs, outputGrad, inputGrads);
            }
        }
    }
}

package cl2cm.engine.autograd;

/**
 * Whether operations are recorded for backward. Disable it for inference, evaluation and optimizer updates:
 * {@code try (var g = GradMode.disabled()) { ... }}.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[]{true});

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * Turns recording off until the returned handle is closed, then restores the previous state; the engine's one
     * no-grad idiom (PyTorch's {@code torch.no_grad()}).
     */
    public static Guard disabled() {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = false;
        return () -> flag[0] = previous;
    }

    /** A handle that restores the previous grad mode; closing it throws nothing. */
    @FunctionalInterface
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}

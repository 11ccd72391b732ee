package cl2cm.engine.autograd;

/**
 * Removes the hook it was returned for (an op hook, a module's forward hook, a tensor's gradient hook); use it in
 * try-with-resources. Closing twice is harmless.
 */
@FunctionalInterface
public interface HookHandle extends AutoCloseable {
    @Override
    void close();
}

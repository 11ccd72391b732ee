package cl2cm.engine.backend;

/** Recording a training step once and replaying it (CUDA graphs); eager everywhere else. Part of {@link Backend}. */
public interface StepReplay {
    /**
     * A training step that can be run again and again. The default runs {@code body} each time; the CUDA backend
     * records it once as a CUDA graph and then replays the graph, which costs one launch instead of hundreds (see
     * {@link ReplayableStep} for what the body may do).
     */
    default ReplayableStep replayable(String name, java.util.function.Supplier<cl2cm.engine.tensor.Tensor> body) {
        return new ReplayableStep.Eager(body);
    }

    /** Whether {@link #replayable} records steps (CUDA graphs) rather than running them each time. */
    default boolean recordsSteps() {
        return false;
    }

    /** Whether work on this backend is being recorded for replay rather than run (CUDA graph capture). */
    default boolean isCapturing() {
        return false;
    }
}

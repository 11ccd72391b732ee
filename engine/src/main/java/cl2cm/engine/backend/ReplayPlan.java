package cl2cm.engine.backend;

import cl2cm.engine.tensor.Tensor;

import java.util.function.Supplier;

/**
 * How a run's training steps execute, decided once before training starts and handed to the code that builds the
 * steps, so that the rules of recording (see {@link ReplayableStep}) do not spread through training code. The
 * backend says whether it can record at all ({@link #of}); each part of the run that needs every step to run its
 * Java code (op hooks, host reads of device values, batches whose shapes vary) turns recording off with
 * {@link #unless}, and the reason it gives is what the log shows.
 *
 * @param mode   how steps run
 * @param reason why they are not recorded (null when they are)
 */
public record ReplayPlan(Mode mode, String reason) {
    public enum Mode {
        /** Every step runs its ops, its batch built at its own shapes. */
        EAGER,
        /** Every step runs its ops, over the fixed-shape arrays a recording would read (checks that form on any backend). */
        FIXED_SHAPES,
        /** The step is recorded once and replayed (CUDA graphs), its batch loaded into fixed-shape arrays. */
        RECORDED
    }

    /** Recorded where {@code be} can record steps, otherwise eager. */
    public static ReplayPlan of(Backend be) {
        return be.recordsSteps() ? new ReplayPlan(Mode.RECORDED, null)
                : eager(be.name() + " runs every step's ops (no step recording)");
    }

    public static ReplayPlan eager(String reason) {
        return new ReplayPlan(Mode.EAGER, reason);
    }

    /** The fixed-shape form of a step, run eagerly: for tests of that form on backends that do not record. */
    public static ReplayPlan fixedShapes(String reason) {
        return new ReplayPlan(Mode.FIXED_SHAPES, reason);
    }

    /** Eager, for {@code reason}, when {@code condition} holds; otherwise this plan. */
    public ReplayPlan unless(boolean condition, String reason) {
        return condition && mode != Mode.EAGER ? eager(reason) : this;
    }

    /** Whether steps read their batch from fixed-shape arrays (as a recording needs). */
    public boolean fixedShapes() {
        return mode != Mode.EAGER;
    }

    public boolean recorded() {
        return mode == Mode.RECORDED;
    }

    /** The step as this plan runs it: recorded and replayed, or {@code body} run every time. */
    public ReplayableStep step(Backend be, String name, Supplier<Tensor> body) {
        return recorded() ? be.replayable(name, body) : new ReplayableStep.Eager(body);
    }

    /** For logs: "recorded once and replayed" or "run op by op (reason)". */
    public String describe() {
        return recorded() ? "recorded once and replayed" : "run op by op (" + reason + ")";
    }
}

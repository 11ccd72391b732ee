package cl2cm.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * Receives what happens during a training stage ({@link StageRunner}): its start and end, every optimizer step
 * (before and after), every finished epoch and every checkpoint written. {@link HistoryFile} keeps them as {@code history.jsonl}; users can add their own.
 */
public interface TrainingListener {
    /** A stage starts, fresh ({@code firstStep} 0) or resumed after {@code firstStep} optimizer steps. */
    default void stageStarted(String stage, long firstStep) {
    }

    /** Optimizer step number {@code step} (from 1 in each stage) is about to run (its batch is drawn). */
    default void stepStarting(String stage, long step) {
    }

    /**
     * Optimizer step number {@code step} (from 1 in each stage): its loss terms, learning rate, gradient norm (before
     * clipping), update-to-parameter ratio per parameter group (measured on some steps only, empty on the others) and
     * wall time.
     */
    record Step(String stage, int epoch, int stepInEpoch, long step, Map<String, Double> terms, double lr,
                double gradNorm, Map<String, Double> updateRatios, double seconds) {
    }

    default void step(Step s) {
    }

    /**
     * One epoch, ending after optimizer step {@code step}: mean training loss, the validation score that selects
     * models, and whether it is the best so far.
     */
    record Epoch(String stage, int epoch, long step, double trainLoss, double valScore, boolean best, double seconds) {
    }

    default void epoch(Epoch e) {
    }

    default void checkpoint(String stage, Path file) {
    }

    /** The stage's training is over (finished, stopped early, or already done when resumed). */
    default void stageEnded(String stage) {
    }
}

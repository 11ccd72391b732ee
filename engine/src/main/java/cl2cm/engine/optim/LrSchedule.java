package cl2cm.engine.optim;

/**
 * Learning rate as a function of the step: linear warm-up from 0 to the peak over {@code warmupSteps}, then decay
 * to {@code minLr} at {@code totalSteps} (cosine or linear), or constant.
 */
public record LrSchedule(double peak, long warmupSteps, long totalSteps, Decay decay, double minLr) {
    public enum Decay { CONSTANT, LINEAR, COSINE }

    public LrSchedule {
        if (peak <= 0 || warmupSteps < 0 || totalSteps < warmupSteps || minLr < 0 || minLr > peak) {
            throw new IllegalArgumentException("bad schedule: peak " + peak + ", warm-up " + warmupSteps + ", total "
                    + totalSteps + ", min " + minLr);
        }
    }

    /** The rate for the update numbered {@code step} (1-based, as counted by {@link Optimizer#stepCount()} + 1). */
    public double lr(long step) {
        if (step <= warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        if (decay == Decay.CONSTANT || totalSteps == warmupSteps) {
            return peak;
        }
        double t = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double f = decay == Decay.COSINE ? 0.5 * (1 + Math.cos(Math.PI * t)) : 1 - t;
        return minLr + (peak - minLr) * f;
    }

    /** Sets the optimizer's rate for its next update. */
    public void apply(Optimizer opt) {
        opt.setLr(lr(opt.stepCount() + 1));
    }
}

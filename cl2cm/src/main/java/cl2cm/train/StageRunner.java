package cl2cm.train;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.io.Checkpoint;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.optim.Adam;
import cl2cm.engine.optim.GradClip;
import cl2cm.engine.optim.LrSchedule;
import cl2cm.engine.optim.UpdateRatios;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Runs one training stage: epochs of shuffled minibatches over the visual items, AdamW with linear warm-up and cosine
 * decay, gradient clipping, a NaN/infinity check on every loss term, a checkpoint after each epoch (and every
 * {@code checkpointEvery} steps), validation after each epoch with the best model kept and early stopping.
 *
 * <p>Batches are a pure function of (seed, epoch, step), so a run resumed from {@code <name>-last.safetensors}
 * (model, optimizer, dropout generator, position) continues exactly where the interrupted one was.
 */
public final class StageRunner {
    /** The weighted loss terms of one batch; their sum is minimised. */
    @FunctionalInterface
    public interface StepFn {
        Map<String, Tensor> losses(int[] items, int[] captionIndex);
    }

    /**
     * A step that reads its batch from host arrays it owns ({@link #load} fills them), so that the backend can record
     * it once and replay it ({@link cl2cm.engine.backend.ReplayableStep}: on CUDA, a CUDA graph).
     */
    public interface ReplayableStepFn {
        /** Writes the batch of these items and captions into the arrays {@link #losses()} reads. */
        void load(int[] items, int[] captionIndex);

        /** The weighted loss terms of the loaded batch, always with the same shapes and the same names. */
        Map<String, Tensor> losses();
    }

    /** Validation score, higher is better (runs in eval mode without gradients). */
    @FunctionalInterface
    public interface ValFn {
        double score();
    }

    public record Result(double bestScore, int bestEpoch, int epochsRun, boolean stoppedEarly) {
    }

    private final String name;
    private final Module model;
    private final Cl2cmConfig.Stage cfg;
    private final int items;
    private final IntUnaryOperator captionCount;
    private final long seed;
    private final Rng dropoutRng;
    private final Path dir;
    private final PrintStream log;
    private int checkpointEvery = 50;
    private String scaledPrefix = "";
    private double lrScale = 1.0;
    private final java.util.List<TrainingListener> listeners = new java.util.ArrayList<>();
    /**
     * Update-to-parameter ratios are measured on step 1 and every RATIO_EVERY-th step after it (a copy of the
     * weights each time), per group of the first RATIO_GROUP_DEPTH name components (e.g. text.bert, vision.proj).
     */
    private static final int RATIO_EVERY = 10;
    private static final int RATIO_GROUP_DEPTH = 2;

    public StageRunner(String name, Module model, Cl2cmConfig.Stage cfg, int items, IntUnaryOperator captionCount,
                       long seed, Rng dropoutRng, Path dir, PrintStream log) {
        this.name = name;
        this.model = model;
        this.cfg = cfg;
        this.items = items;
        this.captionCount = captionCount;
        this.seed = seed;
        this.dropoutRng = dropoutRng;
        this.dir = dir;
        this.log = log;
    }

    /** Adds a listener that hears of every step, epoch and checkpoint of this stage. */
    public StageRunner listen(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public StageRunner checkpointEvery(int steps) {
        this.checkpointEvery = steps;
        return this;
    }

    /** Trains the parameters whose names start with {@code prefix} at {@code factor} times the stage's rate. */
    public StageRunner scaleLr(String prefix, double factor) {
        this.scaledPrefix = prefix;
        this.lrScale = factor;
        return this;
    }

    public Path lastCheckpoint() {
        return dir.resolve(name + "-last.safetensors");
    }

    private Path epochCheckpoint(int epochsDone) {
        return dir.resolve(name + "-epoch" + epochsDone + ".safetensors");
    }

    public Path bestWeights() {
        return dir.resolve(name + "-best.safetensors");
    }

    /** Which caption of an item a given epoch uses: a hash, so that no generator state is needed to resume. */
    static int pick(long seed, int epoch, int item, int count) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + item * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 31)) * 0xD6E8FEB86659FD93L;
        z ^= z >>> 32;
        return (int) Math.floorMod(z, (long) count);
    }

    public Result run(StepFn step, ValFn val, boolean resume) throws IOException {
        return train((opt, schedule) -> new Stepper() {
            @Override
            public StepResult step(int[] idx, int[] ks, int epoch, int s) {
                return trainStep(step, idx, ks, opt, schedule, epoch, s);
            }

            @Override
            public void close() {
            }
        }, val, resume);
    }

    /**
     * Like {@link #run(StepFn, ValFn, boolean)}, over fixed-shape batches, run as {@code plan} says: when recorded,
     * every step after the first two is replayed from a recording (CUDA graphs). Dropout masks then come from the
     * replay number rather than the dropout generator, so a resumed run continues with other masks than an
     * uninterrupted one would have drawn.
     */
    public Result run(ReplayableStepFn step, cl2cm.engine.backend.ReplayPlan plan, ValFn val, boolean resume)
            throws IOException {
        return train((opt, schedule) -> new ReplayedSteps(step, plan, opt, schedule), val, resume);
    }

    /** Runs training steps; made once per stage, closed at its end. */
    private interface Stepper extends AutoCloseable {
        StepResult step(int[] idx, int[] ks, int epoch, int s);

        @Override
        void close();
    }

    private Result train(java.util.function.BiFunction<Adam, LrSchedule, Stepper> stepper, ValFn val, boolean resume)
            throws IOException {
        Files.createDirectories(dir);
        int batch = Math.min(cfg.batch(), items);
        int stepsPerEpoch = Math.max(1, items / batch);
        long total = (long) cfg.epochs() * stepsPerEpoch;
        Map<String, Parameter> params = new LinkedHashMap<>();
        model.namedParameters().forEach((k, p) -> {
            if (p.requiresGrad()) {
                params.put(k, p);
            }
        });
        Adam opt = Adam.adamW(params, cfg.lr(), 0.9, 0.999, 1e-8, cfg.weightDecay());
        if (!scaledPrefix.isEmpty() && lrScale != 1.0) {
            params.keySet().stream().filter(k -> k.startsWith(scaledPrefix)).forEach(k -> opt.scaleLr(k, lrScale));
        }
        LrSchedule schedule = new LrSchedule(cfg.lr(), Math.round(cfg.warmupFraction() * total), Math.max(1, total),
                LrSchedule.Decay.COSINE, cfg.lr() * 0.01);
        int epoch = 0;
        int first = 0;
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = -1;
        int bad = 0;
        boolean stopped = false;
        double resumedLossSum = 0;
        if (resume && Files.exists(lastCheckpoint())) {
            Map<String, String> meta = Checkpoint.load(lastCheckpoint(), model, opt);
            epoch = Integer.parseInt(meta.get("epoch"));
            first = Integer.parseInt(meta.get("step_in_epoch"));
            best = Double.parseDouble(meta.get("best_score"));
            bestEpoch = Integer.parseInt(meta.get("best_epoch"));
            bad = Integer.parseInt(meta.get("epochs_without_improvement"));
            stopped = Boolean.parseBoolean(meta.get("stopped_early"));
            dropoutRng.setState(Long.parseLong(meta.get("dropout_rng")));
            resumedLossSum = Double.parseDouble(meta.getOrDefault("epoch_loss_sum", "0"));
            if (epoch >= cfg.epochs() || stopped) {
                log.printf("%s: already trained (%s); using its best weights%n", name, lastCheckpoint());
            } else {
                log.printf("%s: resumed from %s at epoch %d, step %d%n", name, lastCheckpoint(), epoch + 1, first);
            }
        }
        for (TrainingListener l : listeners) {
            l.stageStarted(name, opt.stepCount());
        }
        try (Stepper steps = stepper.apply(opt, schedule)) {
            while (epoch < cfg.epochs() && !stopped) {
                int[] perm = new Rng(seed * 1_000_003L + epoch).permutation(items);
                double lossSum = first == 0 ? 0 : resumedLossSum;
                int lossCount = first;
                long t0 = System.nanoTime();
                try (ProgressBar bar = new ProgressBarBuilder()
                        .setTaskName(String.format("%s epoch %d/%d", name, epoch + 1, cfg.epochs()))
                        .setInitialMax((long) stepsPerEpoch * batch).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(500).continuousUpdate().showSpeed().setUnit(" items", 1)
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(log)).build()) {
                    bar.stepTo((long) first * batch);
                    for (int s = first; s < stepsPerEpoch; s++) {
                        int[] idx = java.util.Arrays.copyOfRange(perm, s * batch, (s + 1) * batch);
                        int[] ks = new int[idx.length];
                        for (int i = 0; i < idx.length; i++) {
                            ks[i] = pick(seed, epoch, idx[i], captionCount.applyAsInt(idx[i]));
                        }
                        long stepStart = System.nanoTime();
                        double lr = schedule.lr(opt.stepCount() + 1);   // the rate this step updates with
                        for (TrainingListener l : listeners) {
                            l.stepStarting(name, opt.stepCount() + 1);
                        }
                        StepResult r;
                        Map<String, Double> ratios = Map.of();
                        if ((opt.stepCount() + 1) % RATIO_EVERY == 1) {
                            try (UpdateRatios u = UpdateRatios.snapshot(model.namedParameters(), RATIO_GROUP_DEPTH)) {
                                r = steps.step(idx, ks, epoch, s);
                                ratios = u.ratios();
                            }
                        } else {
                            r = steps.step(idx, ks, epoch, s);
                        }
                        double value = r.loss();
                        for (TrainingListener l : listeners) {
                            l.step(new TrainingListener.Step(name, epoch, s, opt.stepCount(), r.terms(), lr,
                                    r.gradNorm(), ratios, (System.nanoTime() - stepStart) / 1e9));
                        }
                        lossSum += value;
                        lossCount++;
                        bar.stepBy(batch);
                        bar.setExtraMessage(String.format(" loss %.4f", lossSum / lossCount));
                        if (checkpointEvery > 0 && (s + 1) % checkpointEvery == 0 && s + 1 < stepsPerEpoch) {
                            save(lastCheckpoint(), opt, epoch, s + 1, best, bestEpoch, bad, false, lossSum);
                        }
                    }
                }
                double score;
                try (var g = GradMode.disabled()) {
                    model.eval();
                    score = val.score();
                    model.train(true);
                }
                if (score > best) {
                    best = score;
                    bestEpoch = epoch;
                    bad = 0;
                    SafeTensors.write(bestWeights(), model.trainedStateDict(), Map.of("epoch",
                            Integer.toString(epoch + 1), "val_score", Double.toString(score)));
                } else {
                    bad++;
                }
                stopped = cfg.patience() > 0 && bad >= cfg.patience();
                for (TrainingListener l : listeners) {
                    l.epoch(new TrainingListener.Epoch(name, epoch, opt.stepCount(),
                            lossCount == 0 ? Double.NaN : lossSum / lossCount, score, bestEpoch == epoch,
                            (System.nanoTime() - t0) / 1e9));
                }
                log.printf("%s epoch %d/%d: train loss %.4f, val score %.2f%s (%.1f s)%s%n", name, epoch + 1, cfg.epochs(),
                        lossCount == 0 ? Double.NaN : lossSum / lossCount, score, score >= best ? " (best)" : "",
                        (System.nanoTime() - t0) / 1e9, stopped ? ", stopping early" : "");
                epoch++;
                first = 0;
                save(epochCheckpoint(epoch), opt, epoch, 0, best, bestEpoch, bad, stopped, 0);
                if (cfg.keepEpochCheckpoints() > 0) {
                    Files.deleteIfExists(epochCheckpoint(epoch - cfg.keepEpochCheckpoints()));
                }
                save(lastCheckpoint(), opt, epoch, 0, best, bestEpoch, bad, stopped, 0);
            }
        }
        for (TrainingListener l : listeners) {
            l.stageEnded(name);
        }
        // The stage is over: its gradients and optimizer state would otherwise hold memory (on a GPU, until the
        // garbage collector happened to run) through the next stage.
        model.zeroGrad();
        opt.releaseState();
        if (Files.exists(bestWeights())) {
            model.loadStateDict(SafeTensors.read(bestWeights()), true);
        }
        return new Result(best, bestEpoch + 1, epoch, stopped);
    }

    /** A step's loss terms (by name, in order) and gradient norm before clipping. */
    private record StepResult(Map<String, Double> terms, double gradNorm) {
        double loss() {
            return terms.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private StepResult trainStep(StepFn step, int[] idx, int[] ks, Adam opt, LrSchedule schedule, int epoch, int s) {
        try (TensorScope scope = TensorScope.open(name + " step")) {
            model.train(true);
            model.zeroGrad();   // before the forward pass: the last step's gradients need not sit beside activations
            Map<String, Tensor> terms = step.losses(idx, ks);
            Map<String, Double> values = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : terms.entrySet()) {
                values.put(e.getKey(), checkTerm(e.getKey(), e.getValue().item(), opt, epoch, s));
            }
            Objectives.total(terms).backward();
            double norm = GradClip.clipGlobalNorm(model.trainableParameters(), cfg.clipNorm()).item();
            checkNorm(norm, opt, epoch, s);
            schedule.apply(opt);
            opt.step();
            return new StepResult(values, norm);
        }
    }

    private double checkTerm(String term, double v, Adam opt, int epoch, int s) {
        if (!Double.isFinite(v)) {
            throw new ArithmeticException(String.format("%s: loss term '%s' is %s at step %d (epoch %d, batch %d); "
                    + "lower the learning rate or check the data", name, term, v, opt.stepCount() + 1, epoch + 1, s + 1));
        }
        return v;
    }

    private void checkNorm(double norm, Adam opt, int epoch, int s) {
        if (!Double.isFinite(norm)) {
            throw new ArithmeticException(String.format("%s: gradient norm is %s at step %d (epoch %d, batch %d) "
                    + "although every loss term is finite; lower the learning rate", name, norm, opt.stepCount() + 1,
                    epoch + 1, s + 1));
        }
    }

    /**
     * Steps through a {@link cl2cm.engine.backend.ReplayableStep}: the host loads the batch and sets the learning
     * rate, the recorded step computes the loss terms, backward, clipping and the AdamW update, and returns the terms
     * and the gradient norm as one vector (one transfer per step). Its update runs before the host sees the terms, so
     * a non-finite one is reported one update late (training stops all the same).
     */
    private final class ReplayedSteps implements Stepper {
        private final ReplayableStepFn fn;
        private final Adam opt;
        private final LrSchedule schedule;
        private final cl2cm.engine.backend.ReplayableStep recorded;
        private final java.util.List<String> terms = new java.util.ArrayList<>();

        ReplayedSteps(ReplayableStepFn fn, cl2cm.engine.backend.ReplayPlan plan, Adam opt, LrSchedule schedule) {
            this.fn = fn;
            this.opt = opt;
            this.schedule = schedule;
            this.recorded = plan.step(model.trainableParameters().get(0).backend(), name + " step", this::body);
        }

        private Tensor body() {
            model.zeroGrad();
            Map<String, Tensor> t = fn.losses();
            if (terms.isEmpty()) {
                terms.addAll(t.keySet());
            }
            Objectives.total(t).backward();
            Tensor norm = GradClip.clipGlobalNorm(model.trainableParameters(), cfg.clipNorm());
            opt.applyStep();
            java.util.List<Tensor> parts = new java.util.ArrayList<>();
            t.values().forEach(v -> parts.add(v.detach().reshape(1)));
            parts.add(norm.to(parts.get(0).dtype()).reshape(1));
            return cl2cm.engine.ops.Views.concat(parts, 0);
        }

        @Override
        public StepResult step(int[] idx, int[] ks, int epoch, int s) {
            try (TensorScope scope = TensorScope.open(name + " step")) {
                model.train(true);
                fn.load(idx, ks);
                schedule.apply(opt);
                opt.prepareStep();
                double[] v = recorded.run().toDoubleArray();
                Map<String, Double> values = new LinkedHashMap<>();
                for (int i = 0; i < terms.size(); i++) {
                    values.put(terms.get(i), checkTerm(terms.get(i), v[i], opt, epoch, s));
                }
                checkNorm(v[terms.size()], opt, epoch, s);
                return new StepResult(values, v[terms.size()]);
            }
        }

        @Override
        public void close() {
            recorded.close();
        }
    }

    /** {@code lossSum}: the epoch's loss so far, so that a resumed epoch reports its mean over all its steps. */
    private void save(Path file, Adam opt, int epoch, int stepInEpoch, double best, int bestEpoch, int bad,
                      boolean stopped, double lossSum) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("stage", name);
        meta.put("epoch", Integer.toString(epoch));
        meta.put("step_in_epoch", Integer.toString(stepInEpoch));
        meta.put("best_score", Double.toString(best));
        meta.put("best_epoch", Integer.toString(bestEpoch));
        meta.put("epochs_without_improvement", Integer.toString(bad));
        meta.put("stopped_early", Boolean.toString(stopped));
        meta.put("dropout_rng", Long.toString(dropoutRng.state()));
        meta.put("epoch_loss_sum", Double.toString(lossSum));
        Checkpoint.save(file, model, opt, meta);
        for (TrainingListener l : listeners) {
            l.checkpoint(name, file);
        }
    }
}

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

    public StageRunner checkpointEvery(int steps) {
        this.checkpointEvery = steps;
        return this;
    }

    public Path lastCheckpoint() {
        return dir.resolve(name + "-last.safetensors");
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
        LrSchedule schedule = new LrSchedule(cfg.lr(), Math.round(cfg.warmupFraction() * total), Math.max(1, total),
                LrSchedule.Decay.COSINE, cfg.lr() * 0.01);
        int epoch = 0;
        int first = 0;
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = -1;
        int bad = 0;
        boolean stopped = false;
        if (resume && Files.exists(lastCheckpoint())) {
            Map<String, String> meta = Checkpoint.load(lastCheckpoint(), model, opt);
            epoch = Integer.parseInt(meta.get("epoch"));
            first = Integer.parseInt(meta.get("step_in_epoch"));
            best = Double.parseDouble(meta.get("best_score"));
            bestEpoch = Integer.parseInt(meta.get("best_epoch"));
            bad = Integer.parseInt(meta.get("epochs_without_improvement"));
            stopped = Boolean.parseBoolean(meta.get("stopped_early"));
            dropoutRng.setState(Long.parseLong(meta.get("dropout_rng")));
            if (epoch >= cfg.epochs() || stopped) {
                log.printf("%s: already trained (%s); using its best weights%n", name, lastCheckpoint());
            } else {
                log.printf("%s: resumed from %s at epoch %d, step %d%n", name, lastCheckpoint(), epoch + 1, first);
            }
        }
        while (epoch < cfg.epochs() && !stopped) {
            int[] perm = new Rng(seed * 1_000_003L + epoch).permutation(items);
            double lossSum = 0;
            int lossCount = 0;
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
                    double value = trainStep(step, idx, ks, opt, schedule, epoch, s);
                    lossSum += value;
                    lossCount++;
                    bar.stepBy(batch);
                    bar.setExtraMessage(String.format(" loss %.4f", lossSum / lossCount));
                    if (checkpointEvery > 0 && (s + 1) % checkpointEvery == 0 && s + 1 < stepsPerEpoch) {
                        save(lastCheckpoint(), opt, epoch, s + 1, best, bestEpoch, bad, false);
                    }
                }
            }
            double score;
            try (GradMode.Guard g = GradMode.set(false)) {
                model.eval();
                score = val.score();
                model.train(true);
            }
            if (score > best) {
                best = score;
                bestEpoch = epoch;
                bad = 0;
                SafeTensors.write(bestWeights(), model.stateDict(), Map.of("epoch", Integer.toString(epoch + 1),
                        "val_score", Double.toString(score)));
            } else {
                bad++;
            }
            stopped = cfg.patience() > 0 && bad >= cfg.patience();
            log.printf("%s epoch %d/%d: train loss %.4f, val score %.2f%s (%.1f s)%s%n", name, epoch + 1, cfg.epochs(),
                    lossCount == 0 ? Double.NaN : lossSum / lossCount, score, score >= best ? " (best)" : "",
                    (System.nanoTime() - t0) / 1e9, stopped ? ", stopping early" : "");
            epoch++;
            first = 0;
            save(dir.resolve(name + "-epoch" + epoch + ".safetensors"), opt, epoch, 0, best, bestEpoch, bad, stopped);
            save(lastCheckpoint(), opt, epoch, 0, best, bestEpoch, bad, stopped);
        }
        if (Files.exists(bestWeights())) {
            model.loadStateDict(SafeTensors.read(bestWeights()), true);
        }
        return new Result(best, bestEpoch + 1, epoch, stopped);
    }

    private double trainStep(StepFn step, int[] idx, int[] ks, Adam opt, LrSchedule schedule, int epoch, int s) {
        try (TensorScope scope = TensorScope.open(name + " step")) {
            model.train(true);
            Map<String, Tensor> terms = step.losses(idx, ks);
            double value = 0;
            for (Map.Entry<String, Tensor> e : terms.entrySet()) {
                double v = e.getValue().item();
                if (!Double.isFinite(v)) {
                    throw new ArithmeticException(String.format("%s: loss term '%s' is %s at step %d (epoch %d, "
                            + "batch %d); lower the learning rate or check the data", name, e.getKey(), v,
                            opt.stepCount() + 1, epoch + 1, s + 1));
                }
                value += v;
            }
            model.zeroGrad();
            Objectives.total(terms).backward();
            double norm = GradClip.clipGlobalNorm(model.trainableParameters(), cfg.clipNorm()).item();
            if (!Double.isFinite(norm)) {
                throw new ArithmeticException(String.format("%s: gradient norm is %s at step %d (epoch %d, batch %d) "
                        + "although every loss term is finite; lower the learning rate", name, norm,
                        opt.stepCount() + 1, epoch + 1, s + 1));
            }
            schedule.apply(opt);
            opt.step();
            return value;
        }
    }

    private void save(Path file, Adam opt, int epoch, int stepInEpoch, double best, int bestEpoch, int bad,
                      boolean stopped) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("stage", name);
        meta.put("epoch", Integer.toString(epoch));
        meta.put("step_in_epoch", Integer.toString(stepInEpoch));
        meta.put("best_score", Double.toString(best));
        meta.put("best_epoch", Integer.toString(bestEpoch));
        meta.put("epochs_without_improvement", Integer.toString(bad));
        meta.put("stopped_early", Boolean.toString(stopped));
        meta.put("dropout_rng", Long.toString(dropoutRng.state()));
        Checkpoint.save(file, model, opt, meta);
    }
}

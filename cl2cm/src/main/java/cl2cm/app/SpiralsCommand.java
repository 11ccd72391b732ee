package cl2cm.app;

import cl2cm.engine.cpu.Parallel;
import cl2cm.examples.Spirals;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "spirals", mixinStandardHelpOptions = true,
        description = "Train a small MLP on the two-spirals task (the smallest end-to-end training job): "
                + "prints train/test accuracy and writes a resumable checkpoint.")
final class SpiralsCommand implements Callable<Integer> {
    @Option(names = "--steps", description = "optimisation steps (default: ${DEFAULT-VALUE})", defaultValue = "1500")
    int steps;

    @Option(names = "--hidden", description = "hidden width (default: ${DEFAULT-VALUE})", defaultValue = "64")
    int hidden;

    @Option(names = "--seed", description = "seed for data, init and batches (default: ${DEFAULT-VALUE})", defaultValue = "7")
    long seed;

    @Option(names = "--out", description = "output folder (default: ${DEFAULT-VALUE})", defaultValue = "runs/spirals")
    Path out;

    @Option(names = "--resume", description = "continue from <out>/checkpoint.safetensors if it exists")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || hidden < 1) {
            throw new IllegalArgumentException("--steps and --hidden must be positive");
        }
        Spirals.Config defaults = Spirals.Config.defaults();
        Spirals.Config cfg = new Spirals.Config(defaults.pointsPerClass(), hidden, steps, defaults.batch(),
                defaults.lr(), defaults.noise(), seed);
        Spirals.Trainer trainer = new Spirals.Trainer(cfg);
        Path ckpt = out.resolve("checkpoint.safetensors");
        if (resume && Files.exists(ckpt)) {
            trainer.load(ckpt);
            System.out.println("resumed from " + ckpt + " at step " + trainer.step());
        }
        System.out.printf("two spirals: %d parameters, %d CPU threads%n", trainer.model().parameterCount(),
                Parallel.threads());
        long start = System.nanoTime();
        double loss = Double.NaN;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                .showSpeed().setUnit(" steps", 1).build()) {
            bar.stepTo(trainer.step());
            while (trainer.step() < steps) {
                loss = trainer.trainStep();
                bar.stepTo(trainer.step());
                bar.setExtraMessage(String.format(" loss %.4f", loss));
                if (trainer.step() % 500 == 0) {
                    trainer.save(ckpt);
                }
            }
        }
        trainer.save(ckpt);
        double seconds = (System.nanoTime() - start) / 1e9;
        Spirals.Data train = Spirals.make(cfg.pointsPerClass(), cfg.noise(), new cl2cm.engine.tensor.Rng(cfg.seed()));
        double trainAcc = trainer.accuracy(train);
        double testAcc = trainer.accuracy(Spirals.testSet(cfg));
        System.out.printf("final loss %.4f, train accuracy %.1f%%, test accuracy %.1f%% (%.1f s)%n", loss,
                100 * trainAcc, 100 * testAcc, seconds);
        System.out.println("checkpoint: " + ckpt);
        return 0;
    }
}

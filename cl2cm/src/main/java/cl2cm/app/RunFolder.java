package cl2cm.app;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.Rng;
import cl2cm.model.Networks;
import cl2cm.train.Experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished or interrupted run folder: its config.json, vocab.txt and checkpoints. Reopening regenerates the data
 * from the config (it is deterministic) and checks that the vocabulary is the one the weights were trained with.
 */
public final class RunFolder {
    public final Path dir;
    public final Cl2cmConfig config;
    public final Experiment experiment;

    private RunFolder(Path dir, Cl2cmConfig config, Experiment experiment) {
        this.dir = dir;
        this.config = config;
        this.experiment = experiment;
    }

    public static RunFolder open(Path dir, PrintStream log) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new IOException(dir + ": not a run folder (no config.json); train one with 'cl2cm train' or 'cl2cm demo'");
        }
        Cl2cmConfig cfg = Cl2cmConfig.load(cfgFile);
        Experiment ex = Experiment.prepare(cfg, Devices.cpu(), log);
        Path vocab = dir.resolve("vocab.txt");
        if (Files.exists(vocab)) {
            List<String> saved = Files.readAllLines(vocab);
            if (!saved.equals(ex.vocab().tokens())) {
                throw new IOException(vocab + ": differs from the vocabulary the config's data gives; was config.json edited?");
            }
        }
        return new RunFolder(dir, cfg, ex);
    }

    /** The cross-modal network with the best weights of {@code name} ("cl2cm" or "baseline"). */
    public Networks.CrossModal crossModal(String name) throws IOException {
        Path best = dir.resolve(name + "-best.safetensors");
        if (!Files.exists(best)) {
            throw new IOException(best + ": no trained " + name + " model in this run folder");
        }
        Networks.CrossModal cmn = experiment.newCmn(new Rng(0));
        java.util.Map<String, cl2cm.engine.tensor.Tensor> weights = SafeTensors.read(best);
        for (var e : weights.entrySet()) {
            float[] v = e.getValue().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IOException(best + ": tensor '" + e.getKey() + "' holds " + v[i] + " at element " + i
                            + "; a model with non-finite weights is not scored");
                }
            }
        }
        try {
            cmn.loadStateDict(weights, true);
        } catch (IllegalArgumentException e) {
            throw new IOException(best + ": " + e.getMessage() + " (written by another config or version?)", e);
        }
        cmn.eval();
        return cmn;
    }
}

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
        return open(dir, log, Devices.cpu());
    }

    /**
     * The run folder of an index's model: {@code override} when given, else the folder the index records; refused
     * unless it holds the very model the index was built with.
     */
    public static RunFolder openFor(cl2cm.search.IndexIdentity index, Path override, String where) throws IOException {
        Path dir = override != null ? override : Path.of(index.run());
        if (!Files.isDirectory(dir)) {
            throw new IOException(where + " was built from the run folder " + dir + ", which is not there; give "
                    + "--run DIR with the same model");
        }
        RunFolder rf = open(dir, System.err);
        index.requireSameModel(rf.identity(index.model()), where);
        return rf;
    }

    /** Reopens the run with its networks built on {@code be} (e.g. to encode a gallery on a GPU). */
    public static RunFolder open(Path dir, PrintStream log, cl2cm.engine.backend.Backend be) throws IOException {
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new IOException(dir + ": not a run folder (no config.json); train one with 'cl2cm train' or 'cl2cm demo'");
        }
        Cl2cmConfig cfg = Cl2cmConfig.load(cfgFile);
        Experiment ex = Experiment.prepare(cfg, be, log);
        Path vocab = dir.resolve("vocab.txt");
        if (Files.exists(vocab)) {
            List<String> saved = Files.readAllLines(vocab);
            if (!saved.equals(ex.vocab().tokens())) {
                throw new IOException(vocab + ": differs from the vocabulary the config's data gives; was config.json edited?");
            }
        }
        return new RunFolder(dir, cfg, ex);
    }

    /**
     * Which model {@code name}'s embeddings come from, as an index records it: this folder, the SHA-256 of the best
     * weights file and of config.json, the embedding size.
     */
    public cl2cm.search.IndexIdentity identity(String name) throws IOException {
        Path best = dir.resolve(name + "-best.safetensors");
        if (!Files.exists(best)) {
            throw new IOException(best + ": no trained " + name + " model in this run folder");
        }
        return new cl2cm.search.IndexIdentity(dir.toAbsolutePath().normalize().toString(), name, sha256(best),
                sha256(dir.resolve("config.json")), config.embedDim());
    }

    private static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA-256", e);
        }
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

package cl2cm.config;

import cl2cm.engine.io.AtomicFile;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every hyper-parameter of a CL2CM run, stored as readable JSON in the run folder ({@code config.json}). A config
 * file may give any subset of the fields; the rest keep their defaults (those of {@code bin/cl2cm demo}).
 */
public record Cl2cmConfig(Data data, Text text, Vision vision, int embedDim, Loss loss, Stage stage1, Stage stage2,
                          long seed) {

    /**
     * Which data: the built-in synthetic scenes (sizes, image size, MT noise, fraction of two-object scenes) with
     * source and target languages.
     */
    public record Data(String dataset, int train, int val, int test, int imageSize, String source, String target,
                       double noiseRate, double pairFraction, String root, String translations) {
        /**
         * The tag of the training target captions: {@code translations} when set (e.g. "de" to train the CLN on
         * Multi30K's human German), else the machine translations {@code <source>2<target>}.
         */
        public String translationTag() {
            return translations == null || translations.isEmpty() ? source + "2" + target : translations;
        }
    }

    /**
     * Text encoder: a BERT encoder trained from scratch over a vocabulary built from the training captions, or the
     * pre-trained BERT in the folder {@code pretrained} with its top {@code trainTopLayers} layers fine-tuned at
     * {@code pretrainedLrScale} times each stage's learning rate (its projection keeps the stage's rate).
     */
    public record Text(int hidden, int layers, int heads, int ffn, int maxLen, double dropout, String pretrained,
                       int trainTopLayers, double pretrainedLrScale) {
    }

    /**
     * Vision encoder by input: "pixels" (a plain ConvNet with these stage widths), "features" (precomputed feature
     * vectors through an MLP of width {@code hidden}) or "frames" (video frame features through one transformer layer
     * of width {@code hidden} across frames, 4 heads).
     */
    public record Vision(List<Integer> channels, String input, int hidden) {
        /** True when the visual input is one precomputed feature vector per item (an MLP). */
        public boolean features() {
            return "features".equals(input);
        }

        /** True when the visual input is a sequence of frame features per video (a frame transformer). */
        public boolean frames() {
            return "frames".equals(input);
        }
    }

    /**
     * Loss settings: cross-modal "infonce" (temperature tau) or "triplet" (margin); knowledge distillation weight and
     * temperatures; the CLN's sentence-level temperature and word-level OT weight, epsilon and iterations.
     */
    public record Loss(String crossModal, double tau, double margin, double lambdaKd, double tauTeacher,
                       double tauStudent, double clnTau, double lambdaOt, double otEpsilon, int otIterations) {
    }

    /**
     * One training stage: epochs, batch, AdamW, warm-up + cosine decay, clipping, early stopping, and how many of the
     * latest per-epoch checkpoints to keep (0: all).
     */
    public record Stage(int epochs, int batch, double lr, double weightDecay, double warmupFraction, double clipNorm,
                        int patience, int keepEpochCheckpoints) {
    }

    public static Cl2cmConfig defaults() {
        return new Cl2cmConfig(
                new Data("synthscenes", 6_000, 500, 1_000, 32, "en", "de", 0.4, 0.75, "", ""),
                new Text(128, 2, 4, 256, 24, 0.1, "", 2, 1.0),
                new Vision(List.of(16, 32, 64), "pixels", 512),
                128,
                new Loss("infonce", 0.05, 0.2, 1.0, 0.1, 0.05, 0.05, 0.1, 0.1, 30),
                new Stage(2, 128, 2e-3, 0.01, 0.05, 2.0, 0, 0),
                new Stage(6, 128, 2e-3, 0.01, 0.05, 2.0, 3, 0),
                1);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void save(Path file) throws IOException {
        AtomicFile.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** Reads a config, filling fields the file leaves out from the defaults; unknown fields are errors. */
    public static Cl2cmConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "config file not found");
        }
        try {
            var defaults = JSON.valueToTree(defaults());
            var given = JSON.readTree(file.toFile());
            if (given == null || !given.isObject()) {
                throw new IOException(file + ": a config must be a JSON object");
            }
            merge((com.fasterxml.jackson.databind.node.ObjectNode) defaults, given);
            return JSON.treeToValue(defaults, Cl2cmConfig.class).validated();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void merge(com.fasterxml.jackson.databind.node.ObjectNode into,
                              com.fasterxml.jackson.databind.JsonNode from) throws IOException {
        var it = from.fields();
        while (it.hasNext()) {
            var e = it.next();
            var existing = into.get(e.getKey());
            if (existing == null) {
                java.util.List<String> known = new java.util.ArrayList<>();
                into.fieldNames().forEachRemaining(known::add);
                throw new IOException("unknown config field '" + e.getKey() + "' (known: " + known + ")");
            }
            if (existing.isObject() && e.getValue().isObject()) {
                merge((com.fasterxml.jackson.databind.node.ObjectNode) existing, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    /** Checks ranges; returns this. */
    public Cl2cmConfig validated() {
        require(data.train() > 1 && data.val() > 1 && data.test() > 1, "data sizes must be > 1");
        require(data.noiseRate() >= 0, "data.noiseRate must be >= 0");
        require(data.pairFraction() >= 0 && data.pairFraction() <= 1, "data.pairFraction must be in [0, 1]");
        require(text.hidden() % text.heads() == 0, "text.hidden must be a multiple of text.heads");
        require(text.trainTopLayers() >= 0, "text.trainTopLayers must be >= 0");
        require(text.pretrainedLrScale() > 0, "text.pretrainedLrScale must be > 0");
        require(List.of("pixels", "features", "frames").contains(vision.input()),
                "vision.input must be pixels, features or frames");
        require(!(vision.features() || vision.frames()) || !data.root().isEmpty(), "vision.input '" + vision.input()
                + "' needs data.root (a dataset with FeatureData, e.g. from bin/cl2cm data features)");
        require(!vision.frames() || vision.hidden() % 4 == 0, "vision.hidden must be a multiple of 4 (the frame "
                + "transformer's heads)");
        require(text.maxLen() >= 4, "text.maxLen must be at least 4");
        require(embedDim > 0, "embedDim must be positive");
        require(List.of("infonce", "triplet").contains(loss.crossModal()), "loss.crossModal must be infonce or triplet");
        require(loss.tau() > 0 && loss.tauTeacher() > 0 && loss.tauStudent() > 0 && loss.clnTau() > 0,
                "temperatures must be positive");
        require(loss.lambdaKd() >= 0 && loss.lambdaOt() >= 0, "loss weights must be >= 0");
        for (Stage s : List.of(stage1, stage2)) {
            require(s.epochs() >= 0 && s.batch() >= 2 && s.lr() > 0 && s.clipNorm() > 0
                            && s.keepEpochCheckpoints() >= 0, "each stage needs epochs >= 0, batch >= 2, lr > 0, clipNorm > 0, keepEpochCheckpoints >= 0");
        }
        return this;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("bad config: " + what);
        }
    }

    public Cl2cmConfig withLambdaKd(double lambda) {
        Loss l = new Loss(loss.crossModal(), loss.tau(), loss.margin(), lambda, loss.tauTeacher(), loss.tauStudent(),
                loss.clnTau(), loss.lambdaOt(), loss.otEpsilon(), loss.otIterations());
        return new Cl2cmConfig(data, text, vision, embedDim, l, stage1, stage2, seed);
    }

    public Cl2cmConfig withSeed(long s) {
        return new Cl2cmConfig(data, text, vision, embedDim, loss, stage1, stage2, s);
    }
}

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

    /** Strict JSON: no trailing text, no fractions or strings where integers or numbers are expected. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

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
            merge((com.fasterxml.jackson.databind.node.ObjectNode) defaults, given, "");
            return JSON.treeToValue(defaults, Cl2cmConfig.class).validated();
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new IOException(file + ": field '" + fieldPath(e) + "': " + firstLine(e.getOriginalMessage()), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IOException(file + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr()) + ": "
                    + firstLine(e.getOriginalMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void merge(com.fasterxml.jackson.databind.node.ObjectNode into,
                              com.fasterxml.jackson.databind.JsonNode from, String prefix) throws IOException {
        var it = from.fields();
        while (it.hasNext()) {
            var e = it.next();
            String name = prefix + e.getKey();
            var existing = into.get(e.getKey());
            if (existing == null) {
                java.util.List<String> known = new java.util.ArrayList<>();
                into.fieldNames().forEachRemaining(known::add);
                throw new IllegalArgumentException("unknown config field '" + name + "' (known: " + known + ")");
            }
            if (e.getValue().isNull()) {
                throw new IllegalArgumentException("config field '" + name + "' is null: give a value or leave the "
                        + "field out");
            }
            if (existing.isObject() != e.getValue().isObject()) {
                throw new IllegalArgumentException("config field '" + name + "' must be " + (existing.isObject()
                        ? "an object with fields " + fieldNames(existing) : "a " + existing.getNodeType()
                        .toString().toLowerCase(java.util.Locale.ROOT)) + ", not " + e.getValue());
            }
            if (existing.isObject()) {
                merge((com.fasterxml.jackson.databind.node.ObjectNode) existing, e.getValue(), name + ".");
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    private static java.util.List<String> fieldNames(com.fasterxml.jackson.databind.JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The dotted path of the field a mismatch happened at, e.g. "text.heads" or "vision.channels[1]". */
    private static String fieldPath(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }

    /** Checks every field's range, naming the field at fault; returns this. */
    public Cl2cmConfig validated() {
        require(data.train() > 1, "data.train", "> 1", data.train());
        require(data.val() > 1, "data.val", "> 1", data.val());
        require(data.test() > 1, "data.test", "> 1", data.test());
        require(data.imageSize() >= 16, "data.imageSize", ">= 16", data.imageSize());
        require(data.noiseRate() >= 0, "data.noiseRate", ">= 0", data.noiseRate());
        require(data.pairFraction() >= 0 && data.pairFraction() <= 1, "data.pairFraction", "in [0, 1]",
                data.pairFraction());
        require(!data.source().isBlank() && !data.target().isBlank(), "data.source/data.target",
                "a language tag such as en or de", data.source() + "/" + data.target());
        require(text.hidden() > 0, "text.hidden", "> 0", text.hidden());
        require(text.layers() > 0, "text.layers", "> 0", text.layers());
        require(text.heads() > 0, "text.heads", "> 0", text.heads());
        require(text.ffn() > 0, "text.ffn", "> 0", text.ffn());
        require(text.hidden() % text.heads() == 0, "text.hidden", "a multiple of text.heads (" + text.heads() + ")",
                text.hidden());
        require(text.maxLen() >= 4, "text.maxLen", ">= 4", text.maxLen());
        require(text.dropout() >= 0 && text.dropout() < 1, "text.dropout", "in [0, 1)", text.dropout());
        require(text.trainTopLayers() >= 0, "text.trainTopLayers", ">= 0", text.trainTopLayers());
        require(text.pretrainedLrScale() > 0, "text.pretrainedLrScale", "> 0", text.pretrainedLrScale());
        require(List.of("pixels", "features", "frames").contains(vision.input()), "vision.input",
                "pixels, features or frames", vision.input());
        require(!vision.channels().isEmpty(), "vision.channels", "a non-empty list of widths", vision.channels());
        require(vision.channels().stream().allMatch(c -> c != null && c > 0), "vision.channels", "positive widths",
                vision.channels());
        require(vision.hidden() > 0, "vision.hidden", "> 0", vision.hidden());
        require(!(vision.features() || vision.frames()) || !data.root().isEmpty(), "data.root",
                "set when vision.input is '" + vision.input() + "' (a dataset with FeatureData, e.g. from bin/cl2cm "
                        + "data features)", "empty");
        require(!vision.frames() || vision.hidden() % 4 == 0, "vision.hidden",
                "a multiple of 4 (the frame transformer's heads)", vision.hidden());
        require(embedDim > 0, "embedDim", "> 0", embedDim);
        require(List.of("infonce", "triplet").contains(loss.crossModal()), "loss.crossModal", "infonce or triplet",
                loss.crossModal());
        require(loss.tau() > 0, "loss.tau", "> 0", loss.tau());
        require(loss.tauTeacher() > 0, "loss.tauTeacher", "> 0", loss.tauTeacher());
        require(loss.tauStudent() > 0, "loss.tauStudent", "> 0", loss.tauStudent());
        require(loss.clnTau() > 0, "loss.clnTau", "> 0", loss.clnTau());
        require(loss.margin() >= 0, "loss.margin", ">= 0", loss.margin());
        require(loss.lambdaKd() >= 0, "loss.lambdaKd", ">= 0", loss.lambdaKd());
        require(loss.lambdaOt() >= 0, "loss.lambdaOt", ">= 0", loss.lambdaOt());
        require(loss.otEpsilon() > 0, "loss.otEpsilon", "> 0", loss.otEpsilon());
        require(loss.otIterations() > 0, "loss.otIterations", "> 0", loss.otIterations());
        for (String name : List.of("stage1", "stage2")) {
            Stage s = name.equals("stage1") ? stage1 : stage2;
            require(s.epochs() >= 0, name + ".epochs", ">= 0", s.epochs());
            require(s.batch() >= 2, name + ".batch", ">= 2", s.batch());
            require(s.lr() > 0, name + ".lr", "> 0", s.lr());
            require(s.weightDecay() >= 0, name + ".weightDecay", ">= 0", s.weightDecay());
            require(s.warmupFraction() >= 0 && s.warmupFraction() <= 1, name + ".warmupFraction", "in [0, 1]",
                    s.warmupFraction());
            require(s.clipNorm() > 0, name + ".clipNorm", "> 0", s.clipNorm());
            require(s.patience() >= 0, name + ".patience", ">= 0", s.patience());
            require(s.keepEpochCheckpoints() >= 0, name + ".keepEpochCheckpoints", ">= 0", s.keepEpochCheckpoints());
        }
        return this;
    }

    private static void require(boolean ok, String field, String expected, Object actual) {
        if (!ok) {
            throw new IllegalArgumentException("bad config: " + field + " must be " + expected + ", not " + actual);
        }
    }

    /** The first field where two configs differ, as "field 'x.y' is A here but B in the other", or null. */
    public static String firstDifference(Cl2cmConfig saved, Cl2cmConfig given) {
        return firstDifference(JSON.valueToTree(saved), JSON.valueToTree(given), "");
    }

    private static String firstDifference(com.fasterxml.jackson.databind.JsonNode saved,
                                          com.fasterxml.jackson.databind.JsonNode given, String prefix) {
        if (saved.isObject() && given.isObject()) {
            for (var it = saved.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                String d = given.has(f) ? firstDifference(saved.get(f), given.get(f), prefix + f + ".") : prefix + f;
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        String field = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return saved.equals(given) ? null
                : "field '" + field + "' is " + given + " in the given config and " + saved + " in the saved one";
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

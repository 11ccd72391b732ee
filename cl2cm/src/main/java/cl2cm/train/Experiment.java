package cl2cm.train;

import cl2cm.config.Cl2cmConfig;
import cl2cm.data.Dataset;
import cl2cm.data.Split;
import cl2cm.data.VisualBatch;
import cl2cm.data.io.NrccrLayout;
import cl2cm.data.synth.SyntheticScenes;
import cl2cm.data.text.Vocab;
import cl2cm.data.text.WordPieceTokenizer;
import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.io.AtomicFile;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import cl2cm.eval.Retrieval;
import cl2cm.model.Networks;
import cl2cm.model.TextEncoder;
import cl2cm.model.TokenBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One CL2CM experiment: the data and vocabulary, stage 1 (the cross-lingual network on source/translated caption
 * pairs: sentence InfoNCE + word-level OT) and stage 2 (the cross-modal network: contrastive losses on
 * (vision, source) and (vision, translated target) plus distillation from the frozen CLN). The baseline is stage 2
 * with lambda_kd = 0 and everything else identical, including initialisation and batch order.
 */
public final class Experiment {
    private final Cl2cmConfig cfg;
    private final Backend be;
    private final PrintStream log;
    private final Dataset dataset;
    private final WordPieceTokenizer tok;
    private final TextData train;
    private final TextData val;
    private final TextData test;
    private cl2cm.engine.backend.ReplayPlan replay = cl2cm.engine.backend.ReplayPlan.eager("not asked for");

    private Experiment(Cl2cmConfig cfg, Backend be, PrintStream log, Dataset dataset, Vocab vocab) {
        this.cfg = cfg;
        this.be = be;
        this.log = log;
        this.dataset = dataset;
        this.tok = new WordPieceTokenizer(vocab, false);
        String src = cfg.data().source();
        String mt = cfg.data().translationTag();
        int maxLen = cfg.text().maxLen();
        this.train = new TextData(dataset.split("train"), tok, maxLen, src, mt);
        this.val = new TextData(dataset.split("val"), tok, maxLen, src, mt);
        this.test = new TextData(dataset.split("test"), tok, maxLen, src, mt);
    }

    /** Generates the built-in dataset and builds the vocabulary from the training captions (source + translations). */
    public static Experiment prepare(Cl2cmConfig cfg, Backend be, PrintStream log) {
        Cl2cmConfig.Data d = cfg.data();
        long t0 = System.nanoTime();
        Dataset ds;
        if (d.root().isEmpty()) {
            if (!d.dataset().equals("synthscenes")) {
                throw new IllegalArgumentException("data.dataset '" + d.dataset() + "' needs data.root, the folder it "
                        + "was imported into (e.g. bin/cl2cm data tuxpaint --root DIR)");
            }
            ds = SyntheticScenes.generate(new SyntheticScenes.Config(d.train(), d.val(), d.test(), d.imageSize(),
                    List.of(d.target()), d.noiseRate(), d.pairFraction(), cfg.seed()));
        } else {
            try {
                // A run without stage 2 (the CLN alone, e.g. on Multi30K captions) needs no pictures.
                ds = NrccrLayout.read(Path.of(d.root()), d.dataset(), cfg.stage2().epochs() == 0
                        ? NrccrLayout.Visuals.NONE : cfg.vision().features() ? NrccrLayout.Visuals.FEATURES
                        : cfg.vision().frames() ? NrccrLayout.Visuals.FRAMES : NrccrLayout.Visuals.IMAGES,
                        d.imageSize());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String mt = d.translationTag();
            for (String split : List.of("train", "val", "test")) {
                Split s = ds.split(split);
                for (String tag : split.equals("test") ? List.of(d.source(), mt, d.target()) : List.of(d.source(), mt)) {
                    if (s.captions(tag).isEmpty()) {
                        throw new IllegalArgumentException(d.root() + "/" + d.dataset() + ": split " + split
                                + " has no '" + tag + "' captions" + (tag.equals(d.source() + "2" + d.target()) ? " (make them with bin/cl2cm data "
                                + "translate --target " + d.target() + ")" : ""));
                    }
                }
            }
        }
        Split tr = ds.split("train");
        List<String> texts = new ArrayList<>();
        tr.captions(d.source()).forEach(c -> texts.add(c.text()));
        tr.captions(d.translationTag()).forEach(c -> texts.add(c.text()));
        Vocab vocab;
        if (cfg.text().pretrained().isEmpty()) {
            vocab = TextData.buildVocab(texts);
        } else {
            Path v = Path.of(cfg.text().pretrained()).resolve("vocab.txt");
            try {
                vocab = Vocab.load(v);
            } catch (IOException e) {
                throw new IllegalArgumentException("text.pretrained: cannot read " + v + ": " + e.getMessage(), e);
            }
        }
        log.printf("data: %s, %d/%d/%d items (%s), %s -> %s%s, vocabulary %d (%.1f s)%n",
                ds.collection(), tr.size(), ds.split("val").size(), ds.split("test").size(),
                tr.images() != null ? "images " + d.imageSize() + "x" + d.imageSize()
                        : tr.features() != null ? tr.featureDim() + "-d features"
                        : tr.frames() != null ? "videos of " + tr.featureDim() + "-d frame features" : "captions only",
                d.source(), d.target(), d.root().isEmpty() ? String.format(" with MT noise %.2f",
                        d.noiseRate()) : " (" + d.root() + ")", vocab.size(), (System.nanoTime() - t0) / 1e9);
        return new Experiment(cfg, be, log, ds, vocab);
    }

    public Dataset dataset() {
        return dataset;
    }

    public Vocab vocab() {
        return tok.vocab();
    }

    public TextData split(String name) {
        return switch (name) {
            case "train" -> train;
            case "val" -> val;
            case "test" -> test;
            default -> throw new IllegalArgumentException("no split " + name);
        };
    }

    public void saveVocab(Path file) throws IOException {
        AtomicFile.writeString(file, String.join("\n", tok.vocab().tokens()) + "\n");
    }

    private TokenBatch pairBatch(TextData d, int[] items, int[] ks) {
        return d.batch(pairRows(d, items, ks));
    }

    /** Source captions of the items, then their translations. */
    private static List<int[]> pairRows(TextData d, int[] items, int[] ks) {
        List<int[]> rows = new ArrayList<>(2 * items.length);
        for (int i = 0; i < items.length; i++) {
            rows.add(d.sourceTokens(items[i], ks[i]));
        }
        for (int i = 0; i < items.length; i++) {
            rows.add(d.translatedTokens(items[i], ks[i]));
        }
        return rows;
    }

    /**
     * How training steps run (eager when not set): with a plan that records (CUDA graphs; see
     * {@link StageRunner.ReplayableStepFn}) or asks for fixed shapes, batches go into fixed arrays, captions padded
     * to text.maxLen. Video frames, whose count varies per batch, always run step by step.
     */
    public Experiment replay(cl2cm.engine.backend.ReplayPlan plan) {
        this.replay = plan;
        return this;
    }

    /** The plan for a stage, logged where steps could have been recorded (so a user sees why they were not). */
    private cl2cm.engine.backend.ReplayPlan stagePlan(String stage, boolean variableShapes) {
        cl2cm.engine.backend.ReplayPlan plan = replay.unless(variableShapes,
                "video frames vary in count per batch");
        if (be.recordsSteps()) {
            log.printf("%s steps: %s%n", stage, plan.describe());
        }
        return plan;
    }

    /**
     * A replayable step over fixed arrays: caption pairs padded to maxLen and, with {@code withVisual}, the visual
     * input of the same items, refilled by {@link #load}; {@code losses} computes the terms from them.
     */
    private final class LoadedBatch implements StageRunner.ReplayableStepFn {
        final TokenBatch pairs;
        private final boolean withVisual;
        private final java.util.function.Function<LoadedBatch, Map<String, Tensor>> losses;
        private float[] visual;
        private int[] visualShape;

        LoadedBatch(int batch, boolean withVisual,
                    java.util.function.Function<LoadedBatch, Map<String, Tensor>> losses) {
            this.pairs = TokenBatch.empty(2 * batch, cfg.text().maxLen());
            this.withVisual = withVisual;
            this.losses = losses;
        }

        @Override
        public void load(int[] items, int[] captionIndex) {
            pairs.fill(pairRows(train, items, captionIndex), train.padId());
            if (withVisual) {
                Tensor v = train.split().visualBatch(items).input();
                float[] values = v.toFloatArray();
                if (visual == null) {
                    visual = new float[values.length];
                    visualShape = v.shape();
                }
                System.arraycopy(values, 0, visual, 0, values.length);
            }
        }

        @Override
        public Map<String, Tensor> losses() {
            return losses.apply(this);
        }

        VisualBatch visualBatch() {
            return VisualBatch.of(Tensor.of(visual, be, visualShape));
        }
    }

    // ---- stage 1 ------------------------------------------------------------------------------------------------

    public Networks.CrossLingual newCln(Rng rng) {
        return Networks.crossLingual(cfg, tok.vocab().size(), rng, be);
    }

    /** Both networks name their text encoder "text" and its BERT "bert" (see {@link Networks}). */
    private static final String TEXT_BERT = "text.bert.";

    /**
     * A stage's runner as every stage has it: its history kept in the run folder, the listeners added with
     * {@link #listen}, and a pre-trained text encoder's BERT at text.pretrainedLrScale times the stage's rate.
     */
    private StageRunner configured(StageRunner runner, Path dir) {
        runner.listen(new HistoryFile(dir.resolve(HISTORY)));
        listeners.forEach(runner::listen);
        return cfg.text().pretrained().isEmpty() ? runner : runner.scaleLr(TEXT_BERT, cfg.text().pretrainedLrScale());
    }

    private final List<TrainingListener> listeners = new ArrayList<>();

    /** Adds a listener to every stage this experiment trains from now on (after the run folder's history file). */
    public Experiment listen(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** The training history of a run folder (JSON lines, see {@link HistoryFile}). */
    public static final String HISTORY = "history.jsonl";

    /** Trains the cross-lingual network; selection by cross-lingual mR on the validation pairs. */
    public Networks.CrossLingual trainCln(Path dir, boolean resume) throws IOException {
        Rng rng = new Rng(cfg.seed() * 7919 + 1);
        Networks.CrossLingual cln = newCln(rng);
        Cl2cmConfig.Loss l = cfg.loss();
        log.printf("stage 1: cross-lingual network, %d parameters%n", cln.parameterCount());
        StageRunner runner = configured(new StageRunner("cln", cln, cfg.stage1(), train.size(),
                train::captionCount, cfg.seed(), rng, dir, log), dir);
        StageRunner.ValFn score = () -> evalCln(cln, val).mR();
        cl2cm.engine.backend.ReplayPlan plan = stagePlan("stage 1", false);
        if (plan.fixedShapes()) {
            runner.run(new LoadedBatch(Math.min(cfg.stage1().batch(), train.size()), false,
                    b -> Objectives.crossLingual(cln.text, b.pairs, l)), plan, score, resume);
        } else {
            runner.run((items, ks) -> Objectives.crossLingual(cln.text, pairBatch(train, items, ks), l), score, resume);
        }
        return cln;
    }

    /** Sentence retrieval between source captions and their translations (target -> source is "t2v"). */
    public Retrieval.Metrics evalCln(Networks.CrossLingual cln, TextData d) {
        List<int[]> src = new ArrayList<>();
        List<int[]> tgt = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            for (int k = 0; k < d.captionCount(i); k++) {
                src.add(d.sourceTokens(i, k));
                tgt.add(d.translatedTokens(i, k));
            }
        }
        int[] items = new int[src.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = i;
        }
        return Retrieval.evaluate(encodeTexts(cln.text, d, tgt), items, encodeTexts(cln.text, d, src));
    }

    /** The loss terms of a stage-1 step on the first {@code n} training items (for inspection; nothing is updated). */
    public Map<String, Tensor> stage1Losses(Networks.CrossLingual cln, int n) {
        int[] items = firstItems(n);
        return Objectives.crossLingual(cln.text, pairBatch(train, items, new int[items.length]), cfg.loss());
    }

    /**
     * The loss terms of a stage-2 step on the first {@code n} training items, with {@code teacher} (frozen here) as
     * the distillation teacher, or none (for inspection; nothing is updated).
     */
    public Map<String, Tensor> stage2Losses(Networks.CrossModal cmn, Networks.CrossLingual teacher, int n) {
        int[] items = firstItems(n);
        if (teacher != null) {
            teacher.setFrozen(true);
            teacher.eval();
        }
        return Objectives.crossModal(cmn.vision, cmn.text, teacher == null ? null : teacher.text,
                train.split().visualBatch(items).to(be), pairBatch(train, items, new int[items.length]),
                teacher == null ? 0 : cfg.loss().lambdaKd(), cfg.loss());
    }

    private int[] firstItems(int n) {
        int[] items = new int[Math.max(2, Math.min(n, train.size()))];
        for (int i = 0; i < items.length; i++) {
            items[i] = i;
        }
        return items;
    }

    // ---- stage 2 ------------------------------------------------------------------------------------------------

    public Networks.CrossModal newCmn(Rng rng) {
        return Networks.crossModal(cfg, tok.vocab().size(), train.split().featureDim(), rng, be);
    }

    /**
     * Trains the cross-modal network under {@code name} ("baseline" or "cl2cm"); with a teacher and lambdaKd > 0 the
     * distillation term is added. Selection by mR on validation with translated target captions as queries (no
     * human target-language caption is used for training or selection).
     */
    public Networks.CrossModal trainCmn(Path dir, String name, Networks.CrossLingual teacher, double lambdaKd,
                                        boolean resume) throws IOException {
        Rng rng = new Rng(cfg.seed() * 7919 + 2);   // the same for baseline and CL2CM
        Networks.CrossModal cmn = newCmn(rng);
        if (teacher != null) {
            teacher.setFrozen(true);
            teacher.eval();
        }
        Cl2cmConfig.Loss l = cfg.loss();
        log.printf("stage 2 (%s): cross-modal network, %d parameters, lambda_kd %.2f%n", name, cmn.parameterCount(),
                lambdaKd);
        String mtTag = cfg.data().translationTag();
        StageRunner runner = configured(new StageRunner(name, cmn, cfg.stage2(), train.size(),
                train::captionCount, cfg.seed(), rng, dir, log), dir);
        TextEncoder teacherText = teacher == null ? null : teacher.text;
        StageRunner.ValFn score = () -> evalCmn(cmn, val, mtTag).mR();
        cl2cm.engine.backend.ReplayPlan plan = stagePlan("stage 2 (" + name + ")", train.split().frames() != null);
        if (plan.fixedShapes()) {
            runner.run(new LoadedBatch(Math.min(cfg.stage2().batch(), train.size()), true,
                    b -> Objectives.crossModal(cmn.vision, cmn.text, teacherText, b.visualBatch(), b.pairs, lambdaKd,
                            l)), plan, score, resume);
        } else {
            runner.run((items, ks) -> Objectives.crossModal(cmn.vision, cmn.text, teacherText,
                    train.split().visualBatch(items).to(be), pairBatch(train, items, ks), lambdaKd, l), score, resume);
        }
        return cmn;
    }

    /** Text-to-image and image-to-text retrieval on a split with the captions of {@code queryTag} as queries. */
    public Retrieval.Metrics evalCmn(Networks.CrossModal cmn, TextData d, String queryTag) {
        TextData.Queries q = d.queries(queryTag);
        return Retrieval.evaluate(encodeTexts(cmn.text, d, q.tokens()), q.items(), encodeImages(cmn, d.split()));
    }

    // ---- encoding -----------------------------------------------------------------------------------------------

    private static final int EVAL_BATCH = 256;

    public Tensor encodeImages(Networks.CrossModal cmn, Split split) {
        int[] all = new int[split.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return encodeImages(cmn, split, all);
    }

    /** Embeddings [idx.length, embedDim] of the split's items {@code idx}, in batches of 256, on the CPU. */
    public Tensor encodeImages(Networks.CrossModal cmn, Split split, int[] idx) {
        int n = idx.length;
        float[] out = new float[n * cfg.embedDim()];
        cmn.eval();
        try (var g = GradMode.disabled()) {
            for (int s = 0; s < n; s += EVAL_BATCH) {
                int[] batch = java.util.Arrays.copyOfRange(idx, s, Math.min(n, s + EVAL_BATCH));
                try (TensorScope scope = TensorScope.open("encode images")) {
                    float[] v = cmn.vision.forward(split.visualBatch(batch).to(be)).toFloatArray();
                    System.arraycopy(v, 0, out, s * cfg.embedDim(), v.length);
                }
            }
        }
        return Tensor.of(out, n, cfg.embedDim());
    }

    public Tensor encodeTexts(TextEncoder enc, TextData d, List<int[]> rows) {
        int n = rows.size();
        float[] out = new float[n * cfg.embedDim()];
        enc.eval();
        try (var g = GradMode.disabled()) {
            for (int s = 0; s < n; s += EVAL_BATCH) {
                int e = Math.min(n, s + EVAL_BATCH);
                try (TensorScope scope = TensorScope.open("encode texts")) {
                    float[] v = enc.forward(d.batch(rows.subList(s, e))).embedding().toFloatArray();
                    System.arraycopy(v, 0, out, s * cfg.embedDim(), v.length);
                }
            }
        }
        return Tensor.of(out, n, cfg.embedDim());
    }

    /** Whether a free text has at least one token the vocabulary knows (besides [CLS], [SEP] and [UNK]). */
    public boolean knowsAnyWordOf(String text) {
        Vocab v = tok.vocab();
        java.util.Set<Integer> special = java.util.Set.of(v.id("[CLS]"), v.id("[SEP]"), v.id("[UNK]"), v.id("[PAD]"));
        return java.util.Arrays.stream(tok.encode(text, cfg.text().maxLen())).anyMatch(id -> !special.contains(id));
    }

    /** Encodes free text queries (any language the vocabulary covers). */
    public Tensor encodeQueries(TextEncoder enc, List<String> texts) {
        List<int[]> rows = new ArrayList<>();
        texts.forEach(t -> rows.add(tok.encode(t, cfg.text().maxLen())));
        return encodeTexts(enc, test, rows);
    }
}

package cl2cm.app;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.tensor.Tensor;
import cl2cm.model.Networks;
import cl2cm.report.Charts;
import cl2cm.report.History;
import cl2cm.report.Projection;
import cl2cm.report.ReportPage;
import cl2cm.train.Experiment;
import cl2cm.train.TextData;
import cl2cm.train.TrainingListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run folder's {@code report.html}: test results (per seed when several), training curves from
 * {@code history.jsonl}, the profiler's tables when the run was profiled, and, once best weights exist, a 2-D
 * projection of image, source-caption and target-caption embeddings per model and retrieval examples with pictures.
 * {@link #updater} keeps the curves current after every epoch; the full page is written when a run ends and by
 * {@code cl2cm report}.
 */
final class RunReport {
    static final String FILE = "report.html";
    /** Points per curve: longer histories are averaged over buckets of consecutive steps. */
    private static final int MAX_POINTS = 400;
    /** Items per group in a projection, and queries in the retrieval examples. */
    private static final int PROJECTED = 150;
    private static final int EXAMPLES = 4;
    private static final int TOP = 5;
    /** Size of a curve chart in pixels; three fit side by side. */
    private static final int W = 420;
    private static final int H = 280;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunReport() {
    }

    /**
     * Rewrites {@code out/report.html} with the curves after every epoch of every stage. The report serves the run,
     * never ends it: if it cannot be drawn (e.g. no fonts for the charts on a bare host), one line says so and the
     * training goes on without it.
     */
    static TrainingListener updater(Path out, PrintStream log) {
        return new TrainingListener() {
            private boolean failed;

            @Override
            public void epoch(Epoch e) {
                if (!failed) {
                    failed = !tryWrite(out, false, log);
                }
            }
        };
    }

    /** {@link #write}, reporting a failure as one line on {@code log} instead of throwing; true when written. */
    static boolean tryWrite(Path out, boolean withModels, PrintStream log) {
        try {
            Path file = write(out, withModels, log);
            if (withModels) {
                log.println("report: " + file);
            }
            return true;
        } catch (Exception | Error e) {   // an AWT or font error is an Error, and must not end a finished run either
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            String why = cl2cm.data.Fonts.missing() != null ? cl2cm.data.Fonts.missing() : Main.describe(e);
            log.println("report: " + out.resolve(FILE) + " not written: " + why + "; 'cl2cm report --run "
                    + out + "' draws it later");
            return false;
        }
    }

    /**
     * Writes {@code out/report.html}; with {@code withModels} the projection and examples are computed from the
     * best weights (progress to {@code log}).
     */
    static Path write(Path out, boolean withModels, PrintStream log) throws IOException {
        JsonNode metrics = Files.isRegularFile(out.resolve("metrics.json"))
                ? JSON.readTree(out.resolve("metrics.json").toFile()) : null;
        Path seedDir = firstRunDir(out, metrics);
        String where = seedDir.equals(out) ? "" : " (" + out.relativize(seedDir) + ")";
        Cl2cmConfig cfg = Cl2cmConfig.load(seedDir.resolve("config.json"));
        ReportPage page = new ReportPage("CL2CM run " + out.toAbsolutePath().normalize().getFileName());
        page.paragraph(String.format("%s dataset, %s captions with machine translations into %s (MT noise %.2f) for "
                        + "training; human %s captions as test queries. Written %s from %s.", cfg.data().dataset(),
                cfg.data().source(), cfg.data().target(), cfg.data().noiseRate(), cfg.data().target(),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).substring(0, 19), out));
        if (metrics != null) {
            results(page, metrics);
        }
        curves(page, History.read(seedDir.resolve(Experiment.HISTORY)), where);
        Path profile = out.resolve(TrainingInstruments.PROFILE);
        if (Files.isRegularFile(profile)) {
            page.heading("Where the time went (--profile)");
            page.preformatted(Files.readString(profile));
        }
        if (withModels) {
            models(page, RunFolder.open(seedDir, log), where);
        }
        Path file = out.resolve(FILE);
        page.write(file);
        return file;
    }

    /** The folder with the first seed's history and weights: the run itself, or seed<N> of a multi-seed demo. */
    private static Path firstRunDir(Path out, JsonNode metrics) throws IOException {
        if (Files.isRegularFile(out.resolve("config.json")) && (Files.exists(out.resolve(Experiment.HISTORY))
                || !hasSeedFolders(out))) {
            return out;
        }
        JsonNode seeds = metrics == null ? null : metrics.path("seeds");
        if (seeds != null && seeds.isArray() && !seeds.isEmpty()) {
            return out.resolve("seed" + seeds.get(0).asLong());
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().matches("seed\\d+") && Files.isDirectory(p)).sorted()
                    .findFirst().orElseThrow(() -> new IOException(out + ": not a run folder (no config.json)"));
        }
    }

    private static boolean hasSeedFolders(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.anyMatch(p -> p.getFileName().toString().matches("seed\\d+"));
        }
    }

    private static final String[] COLUMNS = {"r1_t2v", "r5_t2v", "r10_t2v", "r1_v2t", "r5_v2t", "r10_v2t", "mR"};

    private static void results(ReportPage page, JsonNode m) {
        page.heading("Test results: recall in %, " + m.path("queries").asText());
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("model", "seed", "t2v R@1", "R@5", "R@10", "v2t R@1", "R@5", "R@10", "mR"));
        JsonNode runs = m.has("runs") ? m.get("runs") : JSON.createArrayNode().add(m);
        for (JsonNode run : runs) {
            for (String model : List.of("baseline", "cl2cm")) {
                List<String> row = new ArrayList<>(List.of(model, run.path("seed").asText()));
                for (String c : COLUMNS) {
                    row.add(String.format("%.1f", run.path(model).path(c).asDouble()));
                }
                rows.add(row);
            }
        }
        page.table(rows);
        if (!m.has("runs")) {
            return;
        }
        JsonNode d = m.get("paired_difference_mR");
        page.paragraph(String.format("baseline mR %.2f ± %.2f, CL2CM %.2f ± %.2f over %d seeds; CL2CM − baseline, "
                        + "paired by seed: %+.2f mR, 95%% CI [%+.2f, %+.2f], CL2CM ahead in %d of %d seeds.",
                m.path("baseline_mR_mean").asDouble(), m.path("baseline_mR_std").asDouble(),
                m.path("cl2cm_mR_mean").asDouble(), m.path("cl2cm_mR_std").asDouble(), d.path("seeds").asInt(),
                d.path("mean").asDouble(), d.path("ci95_low").asDouble(), d.path("ci95_high").asDouble(),
                d.path("cl2cm_wins").asInt(), d.path("seeds").asInt()));
        List<Charts.Series> points = new ArrayList<>();
        for (String model : List.of("baseline", "cl2cm")) {
            double[] seeds = new double[runs.size()];
            double[] mr = new double[runs.size()];
            for (int i = 0; i < runs.size(); i++) {
                seeds[i] = runs.get(i).path("seed").asDouble();
                mr[i] = runs.get(i).path(model).path("mR").asDouble();
            }
            points.add(new Charts.Series(model, seeds, mr));
        }
        page.charts(List.of(Charts.xy("test mR per seed", "seed", "mR", points, Charts.Style.POINTS, true, false,
                520, 300)));
    }

    private static void curves(ReportPage page, List<History.Stage> stages, String where) {
        page.heading("Training" + where);
        if (stages.isEmpty()) {
            page.paragraph("No training history yet.");
            return;
        }
        List<String> charts = new ArrayList<>();
        for (History.Stage s : stages) {
            double[] step = s.column(s.steps(), "step");
            List<Charts.Series> terms = new ArrayList<>();
            for (String k : s.keys("loss_")) {
                terms.add(bucketed(k.substring("loss_".length()), step, s.column(s.steps(), k)));
            }
            charts.add(Charts.xy("stage " + s.name() + ": loss terms", step.length > MAX_POINTS
                    ? "step (means of " + bucket(step.length) + " steps)" : "step", "loss", terms, Charts.Style.LINES,
                    true, false, W, H));
        }
        charts.add(Charts.xy("gradient norm before clipping", "step", "norm", perStage(stages, "grad_norm"),
                Charts.Style.LINES, true, false, W, H));
        for (History.Stage s : stages) {
            List<Charts.Series> ratios = new ArrayList<>();
            for (String k : s.keys("update_ratio_")) {
                ratios.add(bucketed(k.substring("update_ratio_".length()), s.column(s.steps(), "step"),
                        s.column(s.steps(), k)));
            }
            if (!ratios.isEmpty()) {
                charts.add(Charts.xy("stage " + s.name() + ": update / weight norm of one step", "step", "ratio",
                        ratios, Charts.Style.LINES_AND_POINTS, true, true, W, H));
            }
        }
        List<Charts.Series> val = new ArrayList<>();
        for (History.Stage s : stages) {
            if (!s.epochs().isEmpty()) {
                val.add(new Charts.Series(s.name(), s.column(s.epochs(), "epoch"), s.column(s.epochs(), "val_score")));
            }
        }
        charts.add(Charts.xy("validation mR per epoch (selects the best weights)", "epoch", "mR", val,
                Charts.Style.LINES_AND_POINTS, true, false, W, H));
        page.charts(charts);
    }

    private static List<Charts.Series> perStage(List<History.Stage> stages, String key) {
        return stages.stream().map(s -> bucketed(s.name(), s.column(s.steps(), "step"), s.column(s.steps(), key)))
                .toList();
    }

    private static int bucket(int n) {
        return (n + MAX_POINTS - 1) / MAX_POINTS;
    }

    /**
     * At most MAX_POINTS points: the means of consecutive buckets of steps. NaN entries (a value measured on some
     * steps only, such as the update ratios) are skipped, and a bucket without any value gives no point.
     */
    private static Charts.Series bucketed(String name, double[] x, double[] y) {
        int k = bucket(Math.max(1, x.length));
        List<double[]> points = new ArrayList<>();
        for (int start = 0; start < x.length; start += k) {
            double sx = 0;
            double sy = 0;
            int n = 0;
            for (int i = start; i < Math.min(x.length, start + k); i++) {
                if (!Double.isNaN(y[i])) {
                    sx += x[i];
                    sy += y[i];
                    n++;
                }
            }
            if (n > 0) {
                points.add(new double[]{sx / n, sy / n});
            }
        }
        return new Charts.Series(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
    }

    private static void models(ReportPage page, RunFolder rf, String where) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(rf.dir)) {   // the cross-modal models: baseline, cl2cm or train --name
            names = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith("-best.safetensors"))
                    .map(f -> f.substring(0, f.length() - "-best.safetensors".length()))
                    .filter(n -> !n.equals("cln")).sorted().toList();
        }
        if (names.isEmpty()) {
            return;
        }
        Experiment ex = rf.experiment;
        TextData test = ex.split("test");
        String source = rf.config.data().source();
        String target = rf.config.data().target();
        List<Encoded> encoded = new ArrayList<>();
        for (String name : names) {
            Networks.CrossModal cmn = rf.crossModal(name);
            Tensor images = ex.encodeImages(cmn, test.split());
            TextData.Queries src = test.queries(source);
            TextData.Queries tgt = test.queries(target);
            encoded.add(new Encoded(name, rows(images), rows(ex.encodeTexts(cmn.text, test, src.tokens())),
                    rows(ex.encodeTexts(cmn.text, test, tgt.tokens())), tgt));
        }
        page.heading("Embeddings of the test split" + where);
        page.paragraph("Image, " + source + "-caption and human " + target + "-caption embeddings of each model, "
                + "projected onto their two principal components (fitted per model on all three groups). Distillation "
                + "should pull the " + target + " captions towards the images they describe.");
        List<String> charts = new ArrayList<>();
        for (Encoded e : encoded) {
            charts.add(projection(e, source, target));
        }
        page.charts(charts);
        if (test.split().images() == null) {
            page.paragraph("No retrieval pictures: this run's visual input is feature vectors.");
            return;
        }
        page.heading("Retrieval examples: human " + target + " queries, top " + TOP + " images (green: the right one)");
        TextData.Queries queries = encoded.get(0).queries();
        int step = Math.max(1, queries.items().length / EXAMPLES);
        for (int q = 0; q < Math.min(EXAMPLES, queries.items().length); q++) {
            int query = q * step;
            for (Encoded e : encoded) {
                page.pictures(e.name() + ": \"" + queries.texts().get(query) + "\"", top(e, query, test));
            }
        }
    }

    private record Encoded(String name, float[][] images, float[][] source, float[][] target,
                           TextData.Queries queries) {
    }

    private static String projection(Encoded e, String source, String target) {
        float[][] img = Arrays.copyOf(e.images(), Math.min(PROJECTED, e.images().length));
        float[][] src = Arrays.copyOf(e.source(), Math.min(PROJECTED, e.source().length));
        float[][] tgt = Arrays.copyOf(e.target(), Math.min(PROJECTED, e.target().length));
        float[][] all = Stream.of(img, src, tgt).flatMap(Arrays::stream).toArray(float[][]::new);
        float[][] p = Projection.pca2(all);
        List<Charts.Series> groups = new ArrayList<>();
        int from = 0;
        for (Object[] g : new Object[][]{{"images", img.length}, {source + " captions", src.length},
                {target + " captions (human)", tgt.length}}) {
            int n = (Integer) g[1];
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = p[from + i][0];
                y[i] = p[from + i][1];
            }
            groups.add(new Charts.Series((String) g[0], x, y));
            from += n;
        }
        return Charts.xy(e.name(), "PC 1", "PC 2", groups, Charts.Style.POINTS, false, false, 460, 380);
    }

    private static List<ReportPage.Picture> top(Encoded e, int query, TextData test) {
        float[] q = e.target()[query];
        double[] sim = new double[e.images().length];
        for (int i = 0; i < sim.length; i++) {
            for (int j = 0; j < q.length; j++) {
                sim[i] += q[j] * e.images()[i][j];
            }
        }
        Integer[] order = new Integer[sim.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(sim[b], sim[a]));
        int right = e.queries().items()[query];
        List<ReportPage.Picture> out = new ArrayList<>();
        for (int r = 0; r < Math.min(TOP, order.length); r++) {
            int i = order[r];
            out.add(new ReportPage.Picture(test.split().images().picture(i),
                    String.format("%d. %.3f", r + 1, sim[i]), i == right));
        }
        return out;
    }

    private static float[][] rows(Tensor t) {
        float[] v = t.toFloatArray();
        int d = t.size(1);
        float[][] out = new float[t.size(0)][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(v, i * d, (i + 1) * d);
        }
        return out;
    }
}

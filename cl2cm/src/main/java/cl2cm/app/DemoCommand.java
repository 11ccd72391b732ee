package cl2cm.app;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.cpu.Parallel;
import cl2cm.engine.io.AtomicFile;
import cl2cm.eval.Retrieval;
import cl2cm.model.Networks;
import cl2cm.train.Experiment;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job: on the built-in synthetic multilingual scenes, train the cross-lingual network "
                + "(stage 1), then the cross-modal network without (baseline) and with (CL2CM) knowledge transfer, and "
                + "compare them on the test split with human target-language captions as queries.",
                "Writes <out>/metrics.json, <out>/report.html, <out>/config.json, <out>/vocab.txt and checkpoints (under "
                + "<out>/seed<N>/ when several seeds run)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", description = "run folder (default: ${DEFAULT-VALUE})", defaultValue = "runs/demo")
    Path out;

    @picocli.CommandLine.Mixin
    TrainingOptions training;

    @Option(names = "--target", description = "target language: de, fr, cs or es (default: the config's, de)")
    String target;

    @Option(names = "--noise", description = "MT noise rate of the training translations (default: the config's, 0.4)")
    Double noise;

    @Option(names = "--seeds", split = ",", description = "seeds to run, e.g. 1,2,3 (default: the config's seed)")
    List<Long> seeds;

    @Override
    public Integer call() throws Exception {
        Cl2cmConfig cfg = training.loadConfig();
        Cl2cmConfig.Data d = cfg.data();
        cfg = new Cl2cmConfig(new Cl2cmConfig.Data(d.dataset(), d.train(), d.val(), d.test(), d.imageSize(),
                d.source(), target == null ? d.target() : target, noise == null ? d.noiseRate() : noise, d.pairFraction(),
                d.root(), d.translations()),
                cfg.text(), cfg.vision(), cfg.embedDim(), cfg.loss(), cfg.stage1(), cfg.stage2(), cfg.seed()).validated();
        List<Long> runSeeds = seeds == null || seeds.isEmpty() ? List.of(cfg.seed()) : seeds;
        if (new java.util.HashSet<>(runSeeds).size() != runSeeds.size()) {
            throw new IllegalArgumentException("--seeds " + runSeeds + " repeats a seed: repeated seeds give the same "
                    + "run again, not an independent sample");
        }
        // Everything is checked (config, seeds, device, the first seed's data) before the run folder is claimed.
        PrintStream log = System.out;
        cl2cm.engine.backend.Backend be = training.device.backend();
        Experiment first = Experiment.prepare(cfg.withSeed(runSeeds.get(0)), be, log)
                .replay(training.replayPlan(be));
        training.checkInstruments();
        try (RunLock lock = TrainingFolder.claim(out, cfg, training.resume, training.overwrite);
             var anomaly = training.anomalyMode(out); TrainingInstruments instruments = training.instruments(be, out, log)) {
            cfg.save(out.resolve("config.json"));
            return demo(cfg, runSeeds, first, be, log, instruments);
        }
    }

    private int demo(Cl2cmConfig cfg, List<Long> runSeeds, Experiment first, cl2cm.engine.backend.Backend be,
                     PrintStream log, TrainingInstruments instruments) throws Exception {
        log.printf("cl2cm demo: %s -> %s, %d seed(s), %d CPU threads, output %s%n", cfg.data().source(),
                cfg.data().target(), runSeeds.size(), Parallel.threads(), out);
        long t0 = System.nanoTime();
        List<Map<String, Object>> runs = new ArrayList<>();
        for (long seed : runSeeds) {
            Cl2cmConfig c = cfg.withSeed(seed);
            Path dir = runSeeds.size() == 1 ? out : out.resolve("seed" + seed);
            Experiment ex = (seed == runSeeds.get(0) ? first
                    : Experiment.prepare(c, be, log).replay(training.replayPlan(be)))
                    .listen(RunReport.updater(out, log)).listen(instruments);
            runs.add(runOne(c, ex, dir, log));
        }
        Map<String, Object> metrics = summarise(cfg, runs);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFile.writeString(out.resolve("metrics.json"), json.writeValueAsString(metrics) + "\n");
        printTable(log, cfg, runs);
        RunReport.tryWrite(out, true, log);
        log.printf("total %.1f min; metrics in %s%n", (System.nanoTime() - t0) / 60e9, out.resolve("metrics.json"));
        return 0;
    }

    private Map<String, Object> runOne(Cl2cmConfig c, Experiment ex, Path dir, PrintStream log) throws Exception {
        Files.createDirectories(dir);
        c.save(dir.resolve("config.json"));   // each seed folder can be reopened by eval, search, export, analyze
        ex.saveVocab(dir.resolve("vocab.txt"));
        Networks.CrossLingual cln = ex.trainCln(dir, training.resume);
        String tgt = c.data().target();
        Retrieval.Metrics clnTest = ex.evalCln(cln, ex.split("test"));
        log.printf("CLN on test (%s <-> %s translations): R@1 %.1f / %.1f, mR %.1f%n", c.data().source(), tgt,
                clnTest.r1T2v(), clnTest.r1V2t(), clnTest.mR());
        Networks.CrossModal base = ex.trainCmn(dir, "baseline", null, 0.0, training.resume);
        Retrieval.Metrics b = ex.evalCmn(base, ex.split("test"), tgt);
        Networks.CrossModal cl2cm = ex.trainCmn(dir, "cl2cm", cln, c.loss().lambdaKd(), training.resume);
        Retrieval.Metrics m = ex.evalCmn(cl2cm, ex.split("test"), tgt);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("seed", c.seed());
        run.put("baseline", b.toMap());
        run.put("cl2cm", m.toMap());
        run.put("cln_test", clnTest.toMap());
        return run;
    }

    @SuppressWarnings("unchecked")
    static double mR(Map<String, Object> run, String model) {
        return ((Number) ((Map<String, Object>) run.get(model)).get("mR")).doubleValue();
    }

    private static Map<String, Object> summarise(Cl2cmConfig cfg, List<Map<String, Object>> runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", cfg.data().dataset());
        m.put("split", "test");
        m.put("languages", Map.of("source", cfg.data().source(), "target", cfg.data().target()));
        m.put("queries", "human " + cfg.data().target() + " captions only (no hybrid query fusion)");
        m.put("mt_noise_rate", cfg.data().noiseRate());
        if (runs.size() == 1) {
            m.put("seed", runs.get(0).get("seed"));
            m.put("baseline", runs.get(0).get("baseline"));
            m.put("cl2cm", runs.get(0).get("cl2cm"));
            m.put("cln_test", runs.get(0).get("cln_test"));
        } else {
            m.put("seeds", runs.stream().map(r -> r.get("seed")).toList());
            for (String model : List.of("baseline", "cl2cm")) {
                double[] v = runs.stream().mapToDouble(r -> mR(r, model)).toArray();
                m.put(model + "_mR_mean", round(mean(v)));
                m.put(model + "_mR_std", round(std(v)));
            }
            PairedDifference d = PairedDifference.of(runs);
            m.put("paired_difference_mR", Map.of("mean", round(d.mean()), "std", round(d.std()),
                    "ci95_low", round(d.ciLow()), "ci95_high", round(d.ciHigh()), "cl2cm_wins", d.wins(),
                    "seeds", d.n()));
            m.put("runs", runs);
        }
        return m;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation. */
    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintStream log, Cl2cmConfig cfg, List<Map<String, Object>> runs) {
        log.printf("%nTest: %s captions as queries (human), %s images; recall in %%%n", cfg.data().target(),
                cfg.data().dataset());
        log.printf("%-10s %6s %6s %6s %6s %6s %6s %7s%n", "model", "t2v@1", "t2v@5", "t2v@10", "v2t@1", "v2t@5",
                "v2t@10", "mR");
        for (Map<String, Object> run : runs) {
            for (String model : List.of("baseline", "cl2cm")) {
                Map<String, Object> r = (Map<String, Object>) run.get(model);
                log.printf("%-10s %6.1f %6.1f %6.1f %6.1f %6.1f %6.1f %7.2f%s%n", model, r.get("r1_t2v"), r.get("r5_t2v"),
                        r.get("r10_t2v"), r.get("r1_v2t"), r.get("r5_v2t"), r.get("r10_v2t"), r.get("mR"),
                        runs.size() > 1 ? "   (seed " + run.get("seed") + ")" : "");
            }
        }
        if (runs.size() > 1) {
            for (String model : List.of("baseline", "cl2cm")) {
                double[] v = runs.stream().mapToDouble(r -> mR(r, model)).toArray();
                log.printf("%-10s mR %.2f +- %.2f over %d seeds%n", model, mean(v), std(v), v.length);
            }
            PairedDifference d = PairedDifference.of(runs);
            log.printf("CL2CM - baseline, paired by seed: %+.2f +- %.2f mR, 95%% CI [%+.2f, %+.2f], CL2CM ahead in %d "
                    + "of %d seeds%s%n", d.mean(), d.std(), d.ciLow(), d.ciHigh(), d.wins(), d.n(),
                    d.ciLow() > 0 ? " (a gain beyond seed noise)" : d.ciHigh() < 0 ? " (a loss beyond seed noise)"
                            : " (not distinguishable from seed noise)");
        }
    }

    /**
     * CL2CM's mR minus the baseline's over seeds (both models share data, initialisation and batch order within a
     * seed, so the difference is paired), with a Student-t 95 % confidence interval for its mean.
     */
    record PairedDifference(int n, double mean, double std, double ciLow, double ciHigh, int wins) {
        /** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
        private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

        static PairedDifference of(List<Map<String, Object>> runs) {
            double[] d = runs.stream().mapToDouble(r -> mR(r, "cl2cm") - mR(r, "baseline")).toArray();
            int df = d.length - 1;
            double t = df <= T975.length ? T975[df - 1] : 1.96;
            double m = DemoCommand.mean(d);
            double s = DemoCommand.std(d);
            double half = t * s / Math.sqrt(d.length);
            int wins = (int) java.util.Arrays.stream(d).filter(x -> x > 0).count();
            return new PairedDifference(d.length, m, s, m - half, m + half, wins);
        }
    }
}

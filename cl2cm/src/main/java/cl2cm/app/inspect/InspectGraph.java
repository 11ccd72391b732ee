package cl2cm.app.inspect;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.autograd.GraphDot;
import cl2cm.engine.autograd.ModuleTrail;
import cl2cm.engine.autograd.HookHandle;
import cl2cm.engine.autograd.OpHook;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.io.AtomicFile;
import cl2cm.engine.nn.Module;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import cl2cm.model.Networks;
import cl2cm.train.Experiment;
import cl2cm.train.Objectives;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Write one training step's autograd graph as Graphviz DOT: every op with its output shape, "
                + "grouped by the modules that ran it; parameters by name (blue) and data inputs (grey). With the "
                + "dot program installed (Debian: graphviz) an SVG is written beside it.",
                "The networks are built from the config with fresh weights: the graph's shape does not depend on "
                        + "trained values."})
final class InspectGraph implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ConfigSource source = new ConfigSource();

    @Option(names = "--stage", defaultValue = "2", description = "1: the cross-lingual network's step; 2: the "
            + "cross-modal network's step with distillation (default: ${DEFAULT-VALUE})")
    int stage;

    @Option(names = "--batch", defaultValue = "4", description = "items in the sample batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--max-ops", defaultValue = "400", description = "above this many ops, draw one node per module "
            + "instead of one per op (default: ${DEFAULT-VALUE})")
    int maxOps;

    @Option(names = "--out", defaultValue = "step.dot", description = "DOT file to write (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--overwrite", description = "replace --out (and its .svg) if they exist")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (stage != 1 && stage != 2) {
            throw new IllegalArgumentException("--stage must be 1 or 2, not " + stage);
        }
        if (batch < 2) {
            throw new IllegalArgumentException("--batch must be at least 2 (contrastive losses need negatives), not "
                    + batch);
        }
        Path svg = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.dot$", "") + ".svg");
        for (Path p : new Path[]{out, svg}) {
            if (Files.exists(p) && !overwrite) {
                throw new IOException(p + ": exists already; add --overwrite to replace it");
            }
        }
        PrintStream log = System.err;
        Cl2cmConfig cfg = source.load(log);
        Experiment ex = Experiment.prepare(cfg, Devices.cpu(), log);
        Map<Tensor, String> names = new IdentityHashMap<>();
        ModuleTrail trail = new ModuleTrail();
        GraphDot.Result graph;
        try (TensorScope scope = TensorScope.open("inspect graph")) {
            Networks.CrossLingual cln = ex.newCln(new Rng(cfg.seed()));
            Tensor loss;
            try (HookHandle h = OpHook.add(trail)) {
                if (stage == 1) {
                    name(names, "", cln);
                    loss = Objectives.total(ex.stage1Losses(cln, batch));
                } else {
                    Networks.CrossModal cmn = ex.newCmn(new Rng(cfg.seed() + 1));
                    name(names, "", cmn);
                    name(names, "teacher.", cln);
                    loss = Objectives.total(ex.stage2Losses(cmn, cfg.loss().lambdaKd() > 0 ? cln : null, batch));
                }
            }
            graph = GraphDot.of(loss, names, trail, maxOps);
        }
        AtomicFile.writeString(out, graph.dot());
        System.out.printf("stage %d step: %d ops in %d module groups%s, %d parameters, %d data inputs -> %s%n", stage,
                graph.ops(), graph.clusters(), graph.collapsed() ? " (collapsed: more than --max-ops)" : "",
                graph.parameters(), graph.inputs(), out);
        System.out.println(renderSvg(out, svg));
        return 0;
    }

    private static void name(Map<Tensor, String> names, String prefix, Module m) {
        m.namedParameters().forEach((k, p) -> names.put(p, prefix + k));
    }

    /** Runs Graphviz's dot when it is installed; says what happened. */
    private static String renderSvg(Path dot, Path svg) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("dot", "-Tsvg", dot.toString(), "-o", svg.toString()).redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return "no SVG: the dot program is not installed (Debian: apt-get install graphviz)";
        }
        String output = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "no SVG: dot took longer than 120 s (try a smaller --max-ops)";
        }
        return p.exitValue() == 0 ? "picture: " + svg : "no SVG: dot failed: " + output;
    }
}

package cl2cm.app.inspect;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.autograd.ModulePath;
import cl2cm.engine.autograd.HookHandle;
import cl2cm.engine.autograd.OpHook;
import cl2cm.engine.autograd.OpProfiler;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import cl2cm.model.Networks;
import cl2cm.train.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"The networks of a config, like torchinfo: the module tree with parameters (trainable and "
                + "frozen), then one forward pass of a stage-2 step on a sample batch by module: ops, forward "
                + "FLOPs of the matrix products per item, and the output shape.",
                "Built from the config with fresh weights: sizes do not depend on trained values."})
final class InspectSummary implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ConfigSource source = new ConfigSource();

    @Option(names = "--batch", defaultValue = "8", description = "items in the sample batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--depth", defaultValue = "3", description = "levels of the module tree (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--forward-depth", defaultValue = "5", description = "levels of module path by which the forward "
            + "pass is summed up, e.g. 5 gives text.bert.encoder.layer.0 (default: ${DEFAULT-VALUE})")
    int forwardDepth;

    /** What the forward pass did inside one module (and the modules below it). */
    private static final class Chain {
        int ops;
        long flops;
        String output = "";
    }

    @Override
    public Integer call() throws Exception {
        if (batch < 2 || depth < 1 || forwardDepth < 1) {
            throw new IllegalArgumentException("--batch must be at least 2, --depth and --forward-depth at least 1");
        }
        Cl2cmConfig cfg = source.load(System.err);
        Experiment ex = Experiment.prepare(cfg, Devices.cpu(), System.err);
        Map<String, Chain> chains = new LinkedHashMap<>();
        try (TensorScope scope = TensorScope.open("inspect summary")) {
            Networks.CrossLingual cln = ex.newCln(new Rng(cfg.seed()));
            Networks.CrossModal cmn = ex.newCmn(new Rng(cfg.seed() + 1));
            tree("cross-modal network (stage 2; trained twice: baseline and CL2CM)", cmn);
            tree("cross-lingual network (stage 1; the frozen teacher of stage 2)", cln);
            OpHook byChain = new OpHook() {
                @Override
                public void forward(String op, Tensor[] inputs, Tensor output) {
                    Chain c = chains.computeIfAbsent(moduleKey(ModulePath.innermost()), k -> new Chain());
                    c.ops++;
                    c.flops += OpProfiler.productFlops(op, inputs, output);
                    c.output = Shape.str(output.shape());
                }
            };
            try (HookHandle h = OpHook.add(byChain); var g = GradMode.disabled()) {
                ex.stage2Losses(cmn, cfg.loss().lambdaKd() > 0 ? cln : null, batch);
            }
        }
        int n = Math.max(2, Math.min(batch, ex.split("train").size()));
        System.out.printf("%nforward of a stage-2 step on %d items, by module (paths cut at %d levels):%n", n,
                forwardDepth);
        System.out.printf("%-72s %6s %12s  %s%n", "model: module", "ops", "MFLOP/item", "last output");
        long total = 0;
        for (Map.Entry<String, Chain> e : chains.entrySet()) {
            Chain c = e.getValue();
            total += c.flops;
            String name = e.getKey().isEmpty() ? "(losses, outside the modules)" : e.getKey();
            System.out.printf("%-72s %6d %12.2f  %s%n", name.length() > 72 ? "..." + name.substring(name.length() - 69)
                    : name, c.ops, c.flops / 1e6 / n, c.output);
        }
        System.out.printf("matrix products: %.2f MFLOP per item forward (backward about twice that)%n", total / 1e6 / n);
        return 0;
    }

    /** "CrossModal: text.bert.encoder.layer.0" for an op run in that module or below it. */
    private String moduleKey(ModulePath.Node running) {
        if (running == null) {
            return "";
        }
        Module m = (Module) running;
        Module root = m.root();
        if (root == m) {
            return root.getClass().getSimpleName();
        }
        String[] parts = m.path().split("\\.");
        return root.getClass().getSimpleName() + ": "
                + String.join(".", java.util.Arrays.copyOf(parts, Math.min(parts.length, forwardDepth)));
    }

    private void tree(String title, Module m) {
        long trainable = count(m, true);
        long frozen = count(m, false);
        System.out.printf("%s: %,d parameters (%,d trainable, %,d frozen)%n", title, trainable + frozen, trainable,
                frozen);
        System.out.printf("  %-56s %-22s %14s %14s%n", "module", "class", "trainable", "frozen");
        walk("", m, 1);
    }

    private void walk(String prefix, Module m, int level) {
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            String name = prefix + e.getKey();
            Module c = e.getValue();
            System.out.printf("  %-56s %-22s %,14d %,14d%n", "  ".repeat(level - 1) + name, c.getClass().getSimpleName(),
                    count(c, true), count(c, false));
            if (level < depth) {
                walk(name + ".", c, level + 1);
            }
        }
    }

    private static long count(Module m, boolean trainable) {
        long n = 0;
        for (Parameter p : m.namedParameters().values()) {
            if (p.requiresGrad() == trainable) {
                n += p.numel();
            }
        }
        return n;
    }
}

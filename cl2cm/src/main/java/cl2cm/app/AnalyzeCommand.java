package cl2cm.app;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import cl2cm.model.Networks;
import cl2cm.train.TextData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "What distillation can transfer: on random training batches of a demo run, how much of each row's "
                + "softmax the CLN teacher puts on the true pair (diagonal) at several teacher temperatures, and how "
                + "often its top choice is the true pair; the same for the baseline CMN's vision-target similarities. "
                + "A teacher with nearly all mass on the diagonal only repeats the contrastive labels.")
final class AnalyzeCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "a demo run folder (needs cln-best and baseline-best)")
    Path run;

    @Option(names = "--batches", defaultValue = "10", description = "random training batches (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--tau", split = ",", defaultValue = "0.05,0.1,0.2", description = "teacher temperatures")
    List<Double> taus;

    @Override
    public Integer call() throws Exception {
        RunFolder rf = RunFolder.open(run, System.err);
        Networks.CrossLingual cln = rf.experiment.newCln(new Rng(0));
        cln.loadStateDict(SafeTensors.read(require(run.resolve("cln-best.safetensors"))), true);
        cln.eval();
        Networks.CrossModal student = rf.crossModal("baseline");
        TextData train = rf.experiment.split("train");
        int b = Math.min(rf.config.stage2().batch(), train.size());
        double tauS = rf.config.loss().tauStudent();
        double[] teacherMass = new double[taus.size()];
        double teacherTop = 0;
        double studentMass = 0;
        double studentTop = 0;
        Rng rng = new Rng(9);
        try (var g = GradMode.disabled()) {
            for (int it = 0; it < batches; it++) {
                int[] items = Arrays.copyOf(rng.permutation(train.size()), b);
                List<int[]> src = new ArrayList<>();
                List<int[]> tgt = new ArrayList<>();
                for (int i : items) {
                    src.add(train.sourceTokens(i, 0));
                    tgt.add(train.translatedTokens(i, 0));
                }
                try (TensorScope scope = TensorScope.open("analyze")) {
                    Tensor teacher = cln.text.forward(train.batch(src)).embedding()
                            .matmul(cln.text.forward(train.batch(tgt)).embedding().mT());
                    for (int k = 0; k < taus.size(); k++) {
                        teacherMass[k] += diagonal(teacher, taus.get(k))[0];
                    }
                    teacherTop += diagonal(teacher, 1.0)[1];
                    Tensor v = student.vision.forward(train.split().visualBatch(items));
                    double[] s = diagonal(v.matmul(student.text.forward(train.batch(tgt)).embedding().mT()), tauS);
                    studentMass += s[0];
                    studentTop += s[1];
                }
            }
        }
        System.out.printf("%d training batches of %d, translated target captions:%n", batches, b);
        for (int k = 0; k < taus.size(); k++) {
            System.out.printf("  teacher sim_CLN(s, t), tau %.3f: %.1f%% of each row's probability on the true pair%n",
                    taus.get(k), 100 * teacherMass[k] / batches);
        }
        System.out.printf("  teacher's top choice is the true pair: %.1f%%%n", 100 * teacherTop / batches);
        System.out.printf("  baseline student sim_CMN(v, t), tau %.3f: %.1f%% on the true pair, top choice %.1f%%%n", tauS,
                100 * studentMass / batches, 100 * studentTop / batches);
        return 0;
    }

    private static Path require(Path p) throws IOException {
        if (!Files.exists(p)) {
            throw new IOException(p + ": missing; analyze needs a run folder written by 'cl2cm demo'");
        }
        return p;
    }

    /** Mean diagonal probability of the row softmax at temperature tau, and the fraction of rows whose argmax is i. */
    private static double[] diagonal(Tensor sim, double tau) {
        double[] p = sim.div(tau).softmax(1).toDoubleArray();
        int n = sim.size(0);
        double mass = 0;
        double top = 0;
        for (int i = 0; i < n; i++) {
            mass += p[i * n + i];
            int arg = 0;
            for (int j = 1; j < n; j++) {
                if (p[i * n + j] > p[i * n + arg]) {
                    arg = j;
                }
            }
            top += arg == i ? 1 : 0;
        }
        return new double[]{mass / n, top / n};
    }
}

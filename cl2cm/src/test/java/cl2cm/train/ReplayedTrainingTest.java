package cl2cm.train;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.tensor.Tensor;
import cl2cm.model.Networks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Training through replayable steps (the batch loaded into fixed arrays, captions padded to text.maxLen, loss terms
 * and gradient norm returned as one vector) trains the same networks as step-by-step training. On the CPU the
 * "replay" runs the step each time, so with dropout off (its masks are indexed by position in the padded batch) both
 * runs differ only by the padding, which the attention and pooling masks make irrelevant up to rounding. (On CUDA
 * the recording itself is checked by DeviceStepParityTest.)
 */
class ReplayedTrainingTest {
    @TempDir
    Path dir;

    @Test
    void replayedStagesTrainLikeStepByStepOnes() throws Exception {
        Path file = dir.resolve("tiny.json");
        Files.writeString(file, """
                {"data": {"train": 48, "val": 16, "test": 16, "imageSize": 16},
                 "text": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "dropout": 0},
                 "vision": {"channels": [8, 16]}, "embedDim": 32,
                 "stage1": {"epochs": 1, "batch": 16}, "stage2": {"epochs": 1, "batch": 16}}
                """);
        Cl2cmConfig cfg = Cl2cmConfig.load(file);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        Map<String, Tensor>[] cln = new Map[2];
        Map<String, Tensor>[] cmn = new Map[2];
        for (int k = 0; k < 2; k++) {
            Experiment ex = Experiment.prepare(cfg, Devices.cpu(), quiet).replay(k == 1
                    ? cl2cm.engine.backend.ReplayPlan.fixedShapes("the recordable form, checked on the CPU")
                    : cl2cm.engine.backend.ReplayPlan.eager("the reference"));
            Path run = dir.resolve("run" + k);
            Networks.CrossLingual teacher = ex.trainCln(run, false);
            cln[k] = teacher.stateDict();
            cmn[k] = ex.trainCmn(run, "cl2cm", teacher, cfg.loss().lambdaKd(), false).stateDict();
        }
        compare("cln", cln[0], cln[1]);
        compare("cmn", cmn[0], cmn[1]);
    }

    private static void compare(String what, Map<String, Tensor> a, Map<String, Tensor> b) {
        assertTrue(a.keySet().equals(b.keySet()), what + ": different parameters");
        for (String name : a.keySet()) {
            float[] x = a.get(name).toFloatArray();
            float[] y = b.get(name).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                if (!(Math.abs(x[i] - y[i]) <= 1e-4 * (1 + Math.abs(x[i])))) {
                    fail(String.format("%s %s[%d]: step by step %.8g, replayed %.8g", what, name, i, x[i], y[i]));
                }
            }
        }
    }
}

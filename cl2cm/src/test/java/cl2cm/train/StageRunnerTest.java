package cl2cm.train;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.ops.Losses;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.examples.Spirals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageRunnerTest {
    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());
    private static final Cl2cmConfig.Stage STAGE = new Cl2cmConfig.Stage(3, 16, 0.01, 0.01, 0.1, 1.0, 0, 0);

    /** A small classification problem: two spirals, with a dropout layer so the generator state matters. */
    private static final class Problem {
        final Spirals.Data data = Spirals.make(64, 0.03, new Rng(1));
        final Rng rng = new Rng(2);
        final Spirals.Mlp model = new Spirals.Mlp(16, rng);

        StageRunner.StepFn step(int failAtCall) {
            int[] calls = {0};
            return (items, ks) -> {
                if (++calls[0] == failAtCall) {
                    throw new IllegalStateException("simulated kill");
                }
                int[] labels = new int[items.length];
                for (int i = 0; i < items.length; i++) {
                    labels[i] = data.y()[items[i]];
                }
                Tensor x = cl2cm.engine.ops.Views.indexSelect(data.x(), 0, items);
                Tensor h = cl2cm.engine.ops.Nn.dropout(model.forward(x), 0.1, true, rng);
                return Map.of("ce", Losses.crossEntropy(h, labels));
            };
        }

        StageRunner runner(Path d) {
            return runner(d, STAGE);
        }

        StageRunner runner(Path d, Cl2cmConfig.Stage stage) {
            return new StageRunner("toy", model, stage, data.size(), i -> 1, 5, rng, d, QUIET).checkpointEvery(3);
        }
    }

    @Test
    void anInterruptedRunResumesToTheSameWeights() throws IOException {
        Problem straight = new Problem();
        straight.runner(dir.resolve("a")).run(straight.step(-1), () -> 0.0, false);
        double[] expected = straight.model.namedParameters().get("out.weight").toDoubleArray();

        Problem killed = new Problem();
        // 8 steps per epoch; die in epoch 2 after the mid-epoch checkpoint at step 3 of that epoch
        assertThrows(IllegalStateException.class,
                () -> killed.runner(dir.resolve("b")).run(killed.step(13), () -> 0.0, false));
        Problem resumed = new Problem();   // a fresh process: new objects, state only from the checkpoint
        resumed.runner(dir.resolve("b")).run(resumed.step(-1), () -> 0.0, true);
        assertArrayEquals(expected, resumed.model.namedParameters().get("out.weight").toDoubleArray(), 0.0);
    }

    /**
     * history.jsonl holds one line per step and per epoch; after a kill and a resume it tells the same history as an
     * uninterrupted run (timings aside): the steps redone after the last checkpoint replace the lost ones.
     */
    @Test
    void theHistoryOfAResumedRunIsTheUninterruptedOne() throws IOException {
        Problem straight = new Problem();
        Path a = dir.resolve("a");
        straight.runner(a).listen(new HistoryFile(a.resolve("history.jsonl"))).run(straight.step(-1), () -> 0.5, false);
        java.util.List<String> expected = withoutTimes(a.resolve("history.jsonl"));
        assertEquals(3 * 8 + 3, expected.size(), "8 steps and one epoch line per epoch");
        assertTrue(expected.get(0).contains("\"type\":\"step\"") && expected.get(0).contains("\"loss_ce\"")
                && expected.get(0).contains("\"grad_norm\"") && expected.get(0).contains("\"lr\""), expected.get(0));
        assertTrue(expected.get(8).contains("\"type\":\"epoch\"") && expected.get(8).contains("\"val_score\":0.5"),
                expected.get(8));

        Problem killed = new Problem();
        Path b = dir.resolve("b");
        assertThrows(IllegalStateException.class, () -> killed.runner(b).listen(new HistoryFile(b.resolve(
                "history.jsonl"))).run(killed.step(13), () -> 0.5, false));
        Problem resumed = new Problem();
        resumed.runner(b).listen(new HistoryFile(b.resolve("history.jsonl"))).run(resumed.step(-1), () -> 0.5, true);
        assertEquals(expected, withoutTimes(b.resolve("history.jsonl")));
    }

    private static java.util.List<String> withoutTimes(Path history) throws IOException {
        return java.nio.file.Files.readAllLines(history).stream()
                .map(l -> l.replaceAll("\"seconds\":[0-9.Ee-]+", "\"seconds\":0")).toList();
    }

    /**
     * A frozen layer (a pre-trained encoder's lower layers) stays out of checkpoints and best weights: it keeps the
     * values the model was built with, and resuming still reaches the same weights. Only the latest
     * keepEpochCheckpoints per-epoch checkpoints stay on disk.
     */
    @Test
    void frozenParametersStayOutOfCheckpointsAndOnlyTheLatestEpochsAreKept() throws IOException {
        Cl2cmConfig.Stage keepOne = new Cl2cmConfig.Stage(3, 16, 0.01, 0.01, 0.1, 1.0, 0, 1);
        Problem straight = new Problem();
        straight.model.children().get("l1").setFrozen(true);
        straight.runner(dir.resolve("a"), keepOne).run(straight.step(-1), () -> 0.0, false);
        double[] expected = straight.model.namedParameters().get("out.weight").toDoubleArray();

        Problem killed = new Problem();
        killed.model.children().get("l1").setFrozen(true);
        assertThrows(IllegalStateException.class,
                () -> killed.runner(dir.resolve("b"), keepOne).run(killed.step(13), () -> 0.0, false));
        Problem resumed = new Problem();
        resumed.model.children().get("l1").setFrozen(true);
        resumed.runner(dir.resolve("b"), keepOne).run(resumed.step(-1), () -> 0.0, true);
        assertArrayEquals(expected, resumed.model.namedParameters().get("out.weight").toDoubleArray(), 0.0);

        Path b = dir.resolve("b");
        for (Path file : java.util.List.of(b.resolve("toy-last.safetensors"), b.resolve("toy-best.safetensors"))) {
            try (SafeTensors.Reader r = SafeTensors.open(file)) {
                String names = r.entries().keySet().toString();
                assertTrue(!names.contains("l1.") && names.contains("l2.weight"), file + ": " + names);
            }
        }
        assertTrue(b.resolve("toy-epoch3.safetensors").toFile().exists());
        assertTrue(!b.resolve("toy-epoch2.safetensors").toFile().exists()
                && !b.resolve("toy-epoch1.safetensors").toFile().exists(), "older epoch checkpoints are deleted");

        // A strict load still names a missing parameter that trains.
        Map<String, Tensor> partial = new java.util.LinkedHashMap<>(resumed.model.trainedStateDict());
        partial.remove("l2.bias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resumed.model.loadStateDict(partial, true));
        assertTrue(e.getMessage().contains("missing [l2.bias]"), e.getMessage());
    }

    @Test
    void checkpointsAndBestWeightsAreWritten() throws IOException {
        Problem p = new Problem();
        double[] scores = {1.0, 3.0, 2.0};
        int[] epoch = {0};
        StageRunner.Result r = p.runner(dir).run(p.step(-1), () -> scores[epoch[0]++], false);
        assertEquals(2, r.bestEpoch());
        assertEquals(3.0, r.bestScore());
        for (int e = 1; e <= 3; e++) {
            assertTrue(dir.resolve("toy-epoch" + e + ".safetensors").toFile().exists());
        }
        assertEquals("2", SafeTensors.open(dir.resolve("toy-best.safetensors")).metadata().get("epoch"));
    }

    @Test
    void aNanLossStopsTrainingWithItsStepAndTerm() {
        Problem p = new Problem();
        StageRunner.StepFn nan = (items, ks) -> Map.of("kd", Tensor.full(Double.NaN, 1).sum());
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> p.runner(dir).run(nan, () -> 0.0, false));
        assertTrue(e.getMessage().contains("loss term 'kd' is NaN at step 1"), e.getMessage());
    }

    @Test
    void captionChoiceIsAPureFunctionOfSeedEpochAndItem() {
        assertEquals(StageRunner.pick(1, 2, 3, 2), StageRunner.pick(1, 2, 3, 2));
        int ones = 0;
        for (int i = 0; i < 1000; i++) {
            ones += StageRunner.pick(1, 0, i, 2);
        }
        assertTrue(ones > 400 && ones < 600, "balanced: " + ones);
    }
}

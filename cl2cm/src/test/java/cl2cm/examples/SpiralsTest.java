package cl2cm.examples;

import cl2cm.engine.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpiralsTest {
    @TempDir
    Path dir;

    @Test
    void mlpLearnsTwoSpiralsFromAFixedSeed() {
        Spirals.Config cfg = Spirals.Config.defaults();
        Spirals.Trainer t = new Spirals.Trainer(cfg);
        double first = t.trainStep();
        double last = first;
        while (t.step() < cfg.steps()) {
            last = t.trainStep();
        }
        double acc = t.accuracy(Spirals.testSet(cfg));
        assertTrue(acc >= 0.97, "test accuracy " + acc + " (loss " + first + " -> " + last + ")");
    }

    @Test
    void resumingFromACheckpointGivesTheSameNextStepLoss() throws IOException {
        Spirals.Config cfg = new Spirals.Config(200, 32, 100, 32, 0.01, 0.03, 3);
        Spirals.Trainer uninterrupted = new Spirals.Trainer(cfg);
        for (int i = 0; i < 40; i++) {
            uninterrupted.trainStep();
        }
        Path ckpt = dir.resolve("ckpt.safetensors");
        uninterrupted.save(ckpt);
        double[] expected = {uninterrupted.trainStep(), uninterrupted.trainStep()};

        Spirals.Trainer resumed = new Spirals.Trainer(cfg);
        resumed.load(ckpt);
        assertEquals(40, resumed.step());
        double[] actual = {resumed.trainStep(), resumed.trainStep()};
        assertEquals(expected[0], actual[0], 0.0, "bit-identical next-step loss");
        assertEquals(expected[1], actual[1], 0.0);
    }

    @Test
    void modelWeightsUsePyTorchStyleNames() throws IOException {
        Spirals.Trainer t = new Spirals.Trainer(new Spirals.Config(10, 8, 1, 4, 0.01, 0.03, 1));
        Path f = dir.resolve("weights.safetensors");
        SafeTensors.write(f, t.model().stateDict(), null);
        assertEquals(java.util.Set.of("l1.weight", "l1.bias", "l2.weight", "l2.bias", "out.weight", "out.bias"),
                SafeTensors.read(f).keySet());
    }
}

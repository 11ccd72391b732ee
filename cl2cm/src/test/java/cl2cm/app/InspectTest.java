package cl2cm.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code inspect graph}: a training step's autograd graph as DOT, grouped by module, on a tiny config. */
class InspectTest {
    @TempDir
    Path dir;

    @Test
    void graphShowsOpsParametersAndModules() throws IOException {
        Path cfg = dir.resolve("tiny.json");
        Files.writeString(cfg, ReliabilityTest.TINY);
        Path dot = dir.resolve("s1.dot");
        ReliabilityTest.Result r = ReliabilityTest.cli("inspect", "graph", "--config", cfg.toString(), "--stage", "1",
                "--out", dot.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("stage 1 step:") && r.out().contains("ops in"), r.out());
        String g = Files.readString(dot);
        assertTrue(g.startsWith("digraph autograd {") && g.strip().endsWith("}"), g);
        assertTrue(g.contains("text.bert.encoder.layer.0.attention.self.query.weight"), "parameters are named");
        assertTrue(g.contains("label=\"addmm\\n"), "ops are labelled with their name and shape");
        assertTrue(g.contains("subgraph cluster_") && g.contains("MultiHeadAttention"), "ops are grouped by module");

        ReliabilityTest.cli("inspect", "graph", "--config", cfg.toString(), "--out", dot.toString())
                .failsWith(dot.toString(), "exists already");
        r = ReliabilityTest.cli("inspect", "graph", "--config", cfg.toString(), "--out", dot.toString(),
                "--overwrite", "--max-ops", "20");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("collapsed"), r.out());
        assertTrue(Files.readString(dot).contains("shape=box3d"), "one node per module chain");
    }
}

package cl2cm.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code inspect graph}, {@code inspect summary} and {@code bench --trace} on a tiny config. */
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

    @Test
    void summaryListsModulesParametersAndFlops() throws IOException {
        Path cfg = dir.resolve("tiny.json");
        Files.writeString(cfg, ReliabilityTest.TINY);
        ReliabilityTest.Result r = ReliabilityTest.cli("inspect", "summary", "--config", cfg.toString(), "--batch", "4");
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        assertTrue(out.contains("cross-modal network") && out.contains("cross-lingual network"), out);
        assertTrue(out.contains("trainable") && out.contains("BertModel"), out);
        assertTrue(out.contains("CrossModal: text.bert.encoder.layer.0 ") && out.contains("CrossModal: vision.proj "),
                "forward rows by dotted module path: " + out);
        assertTrue(out.contains("MFLOP/item") && out.contains("[4,"), "forward by module chain with output shapes: " + out);
        ReliabilityTest.cli("inspect", "summary", "--config", cfg.toString(), "--batch", "1")
                .failsWith("--batch", "at least 2");
    }

    @Test
    void trainProfilesAndTracesTheChosenStepsOfEachStage() throws IOException {
        Path cfg = dir.resolve("tiny.json");
        Files.writeString(cfg, ReliabilityTest.TINY);
        Path trace = dir.resolve("train-trace.json");
        Path run = dir.resolve("run");
        ReliabilityTest.cli("train", "--config", cfg.toString(), "--out", run.toString(), "--trace", trace.toString(),
                "--trace-steps", "0..1").failsWith("--trace-steps", "FIRST..LAST");
        assertTrue(!Files.exists(run) && !Files.exists(trace), "nothing written for a bad option");
        ReliabilityTest.Result r = ReliabilityTest.cli("train", "--config", cfg.toString(), "--out", run.toString(),
                "--profile", "--trace", trace.toString(), "--trace-steps", "1..1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("cln, ops by time over its") && r.out().contains("cl2cm, ops by time over its")
                && r.out().contains("ops account for"), r.out());
        java.util.Set<String> steps = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode e : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(trace.toFile()).get("traceEvents")) {
            if (e.path("cat").asText().equals("step")) {
                steps.add(e.get("name").asText());
            }
        }
        assertEquals(java.util.Set.of("cl2cm step 1", "cln step 1"), steps, "step 1 of each stage, nothing else");
        assertTrue(Files.readString(run.resolve("profile.txt")).contains("cl2cm, ops by time"), "tables kept");
        assertTrue(Files.readString(run.resolve("report.html")).contains("Where the time went"), "and reported");
    }

    @Test
    void benchTraceIsAValidTraceEventFile() throws IOException {
        Path trace = dir.resolve("trace.json");
        ReliabilityTest.Result r = ReliabilityTest.cli("bench", "--preset", "bench-small", "--batch", "2", "--steps",
                "2", "--trace", trace.toString(), "--trace-steps", "2..2");
        assertEquals(0, r.status(), r.err());
        com.fasterxml.jackson.databind.JsonNode events = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(trace.toFile()).get("traceEvents");
        assertTrue(events.isArray() && events.size() > 100, "events");
        java.util.Set<String> steps = new java.util.TreeSet<>();
        int ops = 0;
        for (com.fasterxml.jackson.databind.JsonNode e : events) {
            String ph = e.get("ph").asText();
            assertTrue(e.has("pid") && e.has("name") && (ph.equals("M") || e.has("ts")), e.toString());
            if (ph.equals("X")) {
                assertTrue(e.get("dur").asDouble() >= 0 && e.has("tid"), e.toString());
                if (e.get("cat").asText().equals("step")) {
                    steps.add(e.get("name").asText());
                } else {
                    ops++;
                }
            }
        }
        assertEquals(java.util.Set.of("stage 1 step 2", "stage 2 step 2"), steps, "only the chosen steps");
        assertTrue(ops > 50, "ops of both stages");
        ReliabilityTest.cli("bench", "--preset", "bench-small", "--steps", "2", "--trace", trace.toString(),
                "--trace-steps", "2..5").failsWith("--trace-steps", "FIRST..LAST");
    }
}

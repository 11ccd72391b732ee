package cl2cm.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job and the tools around it, end to end on a tiny configuration. */
class CliTest {
    @TempDir
    Path dir;

    private static final String TINY = """
            {"data": {"train": 48, "val": 16, "test": 16, "imageSize": 16},
             "text": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64},
             "vision": {"channels": [8, 16]}, "embedDim": 32,
             "stage1": {"epochs": 1, "batch": 16}, "stage2": {"epochs": 1, "batch": 16}}
            """;

    private String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args), () -> "exit code of " + String.join(" ", args) + "\n" + buf);
        } finally {
            System.setOut(old);
        }
        return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void demoWritesMetricsAndTheToolsUseItsRunFolder() throws Exception {
        Path cfg = dir.resolve("tiny.json");
        Files.writeString(cfg, TINY);
        Path out = dir.resolve("run");
        String log = run("demo", "--config", cfg.toString(), "--out", out.toString());
        assertTrue(log.contains("baseline") && log.contains("cl2cm"), log);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String model : new String[]{"baseline", "cl2cm"}) {
            for (String k : new String[]{"r1_t2v", "r5_t2v", "r10_t2v", "r1_v2t", "r5_v2t", "r10_v2t", "mR"}) {
                assertTrue(m.get(model).has(k), model + " lacks " + k);
            }
        }
        assertEquals("de", m.get("languages").get("target").asText());
        assertEquals("test", m.get("split").asText());
        assertTrue(Files.exists(out.resolve("config.json")) && Files.exists(out.resolve("cl2cm-best.safetensors"))
                && Files.exists(out.resolve("cln-epoch1.safetensors")));

        String eval = run("eval", "--run", out.toString(), "--model", "baseline");
        assertEquals(m.get("baseline").get("mR").asDouble(), new ObjectMapper().readTree(eval).get("mR").asDouble(), 1e-9,
                "eval reproduces the demo's test numbers");
        String search = run("search", "--run", out.toString(), "--query", "ein kleiner roter Kreis", "--top", "3");
        assertTrue(search.contains(" 1. test"), search);
        assertTrue(Files.size(out.resolve("search.png")) > 0);
        String analysis = run("analyze", "--run", out.toString(), "--batches", "2");
        assertTrue(analysis.contains("on the true pair"), analysis);
        Path emb = dir.resolve("emb.safetensors");
        run("export", "--run", out.toString(), "--out", emb.toString());
        assertTrue(Files.exists(emb));

        // Features of a dataset on disk through the run's vision encoder, as BigFiles per split.
        Path data = dir.resolve("data-for-features");
        run("data", "synth", "--root", data.toString(), "--train", "5", "--val", "3", "--test", "4");
        String feats = run("data", "features", "--root", data.toString(), "--collection", "synthscenes", "--run",
                out.toString());
        assertTrue(feats.contains("test: 4 x "), feats);
        java.util.List<String> ids = cl2cm.data.io.NrccrLayout.read(data, "synthscenes",
                cl2cm.data.io.NrccrLayout.Visuals.NONE, 0).split("test").ids();
        float[][] rows = cl2cm.data.io.NrccrLayout.readBigFile(data.resolve("synthscenes/FeatureData/test"), ids);
        double norm = 0;
        for (float f : rows[0]) {
            norm += f * f;
        }
        assertEquals(1.0, norm, 1e-4, "joint-space embeddings are unit vectors");
    }

    @Test
    void dataSynthWritesADatasetThatStatsReads() {
        Path root = dir.resolve("data");
        run("data", "synth", "--root", root.toString(), "--train", "8", "--val", "4", "--test", "4");
        Path sheet = dir.resolve("sheet.png");
        String stats = run("data", "stats", "--root", root.toString(), "--collection", "synthscenes", "--sheet",
                sheet.toString());
        assertTrue(stats.contains("train: 8 items") && stats.contains("en2de") && stats.contains("test: 4 items"), stats);
        assertTrue(stats.contains("contact sheet") && Files.exists(sheet), stats);
    }

    @Test
    void benchPrintsOneJsonLine() throws Exception {
        String out = run("bench", "--preset", "bench-small", "--batch", "2", "--steps", "1");
        String line = out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals("bench-small", j.get("preset").asText());
        assertTrue(j.get("stage1").get("median_ms").asDouble() > 0 && j.get("stage2").get("min_ms").asDouble() > 0, line);
    }

    @Test
    void badConfigsFailWithOneClearLine() throws Exception {
        Path cfg = dir.resolve("bad.json");
        Files.writeString(cfg, "{\"loss\": {\"tau\": -1}}");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = Main.run("demo", "--config", cfg.toString(), "--out", dir.resolve("x").toString());
        } finally {
            System.setErr(oldErr);
        }
        assertEquals(1, code);
        assertTrue(err.toString().contains("temperatures must be positive"), err.toString());
    }
}

package cl2cm.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

        // ... which a feature-input model then trains on (vision.input "features": an MLP over the vectors).
        Path featCfg = dir.resolve("features.json");
        Files.writeString(featCfg, TINY.replace("{\"data\": {\"train\": 48, \"val\": 16, \"test\": 16, \"imageSize\": 16},",
                "{\"data\": {\"root\": \"" + data.toString().replace("\\", "/") + "\"},")
                .replace("\"vision\": {\"channels\": [8, 16]}", "\"vision\": {\"input\": \"features\", \"hidden\": 16}"));
        String trained = run("train", "--config", featCfg.toString(), "--out", dir.resolve("feat-run").toString());
        assertTrue(trained.contains("(32-d features)") && trained.contains("cl2cm on val"), trained);

        // ... and, as videos of 1 to 3 frames grouped by video2frames.txt, a frame-transformer model (vision.input
        // "frames") trains on the sequences.
        for (String split : java.util.List.of("train", "val", "test")) {
            Path folder = data.resolve("synthscenes/FeatureData/" + split);
            java.util.List<String> splitIds = cl2cm.data.io.NrccrLayout.read(data, "synthscenes",
                    cl2cm.data.io.NrccrLayout.Visuals.NONE, 0).split(split).ids();
            float[][] items = cl2cm.data.io.NrccrLayout.readBigFile(folder, splitIds);
            java.util.List<String> frameIds = new java.util.ArrayList<>();
            java.util.List<float[]> frameRows = new java.util.ArrayList<>();
            StringBuilder dict = new StringBuilder("{");
            for (int i = 0; i < splitIds.size(); i++) {
                dict.append(i == 0 ? "" : ", ").append('\'').append(splitIds.get(i)).append("': [");
                for (int f = 0; f <= i % 3; f++) {
                    String id = splitIds.get(i) + "_" + f;
                    frameIds.add(id);
                    float[] row = items[i].clone();
                    for (int j = 0; j < row.length; j++) {
                        row[j] *= 1 + 0.1f * f;
                    }
                    frameRows.add(row);
                    dict.append(f == 0 ? "" : ", ").append('\'').append(id).append('\'');
                }
                dict.append(']');
            }
            cl2cm.data.io.NrccrLayout.writeBigFile(folder, frameIds, frameRows.toArray(new float[0][]));
            Files.writeString(folder.resolve("video2frames.txt"), dict.append('}').toString());
        }
        Path frameCfg = dir.resolve("frames.json");
        Files.writeString(frameCfg, Files.readString(featCfg).replace("\"input\": \"features\"", "\"input\": \"frames\""));
        String video = run("train", "--config", frameCfg.toString(), "--out", dir.resolve("frame-run").toString());
        assertTrue(video.contains("videos of 32-d frame features") && video.contains("cl2cm on val"), video);
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
        // The names the data-tools issue uses work as aliases.
        Path shapes = dir.resolve("shapes");
        run("data", "shapes", "--root", shapes.toString(), "--train", "4", "--val", "2", "--test", "2");
        assertTrue(run("data", "inspect", "--root", shapes.toString(), "--collection", "synthscenes")
                .contains("train: 4 items"));
    }

    /**
     * text.pretrained: a "pre-trained" BERT folder (here a random 2-layer one with a vocabulary covering the built-in
     * captions) is loaded as both text encoders; with trainTopLayers 1 the embeddings and the lower layer keep their
     * weights and the top layer learns, at pretrainedLrScale times the stage's rate.
     */
    @Test
    void pretrainedTextEncoderTrainsOnlyItsTopLayers() throws Exception {
        cl2cm.data.Dataset ds = cl2cm.data.synth.SyntheticScenes.generate(new cl2cm.data.synth.SyntheticScenes.Config(
                48, 16, 16, 16, java.util.List.of("de"), 0.4, 0.75, 1));
        java.util.List<String> texts = new java.util.ArrayList<>();
        for (cl2cm.data.Split s : ds.splits().values()) {
            s.allCaptions().forEach(c -> texts.add(c.text()));
        }
        cl2cm.data.text.Vocab vocab = cl2cm.train.TextData.buildVocab(texts);
        Path bertDir = dir.resolve("bert");
        Files.createDirectories(bertDir);
        Files.writeString(bertDir.resolve("vocab.txt"), String.join("\n", vocab.tokens()) + "\n");
        cl2cm.engine.nn.bert.BertConfig bc = new cl2cm.engine.nn.bert.BertConfig(vocab.size(), 32, 2, 2, 64, 64, 2,
                0.1, 0.1, 1e-12, 0.02, true, 0);
        cl2cm.engine.nn.bert.BertModel bert = new cl2cm.engine.nn.bert.BertModel(bc, new cl2cm.engine.tensor.Rng(5),
                cl2cm.engine.tensor.DType.F32, cl2cm.engine.backend.Devices.cpu());
        cl2cm.engine.io.SafeTensors.write(bertDir.resolve("model.safetensors"), bert.stateDict(), java.util.Map.of());
        cl2cm.engine.nn.bert.PretrainedBert.writeConfig(bc, bertDir);

        Path cfg = dir.resolve("pretrained.json");
        Files.writeString(cfg, TINY.replace("\"text\": {\"hidden\": 32, \"layers\": 1, \"heads\": 2, \"ffn\": 64}",
                "\"text\": {\"pretrained\": \"" + bertDir.toString().replace("\\", "/") + "\", \"trainTopLayers\": 1, "
                        + "\"pretrainedLrScale\": 0.01}"));
        Path out = dir.resolve("pretrained-run");
        run("demo", "--config", cfg.toString(), "--out", out.toString());
        java.util.Map<String, cl2cm.engine.tensor.Tensor> trained = cl2cm.engine.io.SafeTensors.read(
                out.resolve("cl2cm-best.safetensors"));
        java.util.Map<String, cl2cm.engine.tensor.Tensor> original = bert.stateDict();
        // The frozen embeddings and lower layer are not stored: they come from text.pretrained when the run is loaded.
        assertTrue(!trained.containsKey("text.bert.embeddings.word_embeddings.weight")
                && !trained.containsKey("text.bert.encoder.layer.0.output.dense.weight"), trained.keySet().toString());
        String eval = run("eval", "--run", out.toString(), "--model", "cl2cm");
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(out.resolve("metrics.json").toFile()).get("cl2cm").get("mR").asDouble(),
                json.readTree(eval).get("mR").asDouble(), 1e-9, "eval reproduces the demo's test numbers");
        float[] before = original.get("encoder.layer.1.output.dense.weight").toFloatArray();
        float[] after = trained.get("text.bert.encoder.layer.1.output.dense.weight").toFloatArray();
        double moved = 0;
        for (int i = 0; i < before.length; i++) {
            moved = Math.max(moved, Math.abs(after[i] - before[i]));
        }
        // Stage 2 is 3 AdamW steps at lr <= 2e-3, each moving an element by about lr at most: at the stage's rate the
        // first step alone moves the top layer by 2e-3, at 0.01 of it all three by about 6e-5.
        assertTrue(moved > 0 && moved < 3e-4, "the top layer learns at 0.01 of the rate: moved " + moved);

        // The same folder cut down to the entries that three captions use (NRCCR lines and a plain line).
        Path caps = dir.resolve("three.caption.txt");
        Files.writeString(caps, "a#en#0 " + texts.get(0) + "\nb#de#0 " + texts.get(1) + "\n" + texts.get(2) + "\n");
        Path subset = dir.resolve("bert-subset");
        String cut = run("data", "bert-subset", "--model", bertDir.toString(), "--captions", caps.toString(), "--out",
                subset.toString(), "--float16");
        int kept = cl2cm.engine.nn.bert.PretrainedBert.readConfig(subset).vocabSize();
        assertTrue(kept < vocab.size() && cut.contains(String.format("vocabulary %,d of %,d", kept, vocab.size()))
                && cut.contains("used by 3 captions"), cut);
    }

    /** data.root trains on a dataset on disk; without stage 2 it trains and tests the CLN alone, pictures unread. */
    @Test
    void trainsFromADatasetOnDisk() throws Exception {
        Path root = dir.resolve("disk");
        run("data", "synth", "--root", root.toString(), "--train", "48", "--val", "16", "--test", "16",
                "--image-size", "16");
        String onDisk = TINY.replace("{\"data\": {\"train\": 48, \"val\": 16, \"test\": 16, \"imageSize\": 16},",
                "{\"data\": {\"root\": \"" + root.toString().replace("\\", "/") + "\", \"imageSize\": 16},");
        Path cfg = dir.resolve("disk.json");
        Files.writeString(cfg, onDisk);
        String log = run("train", "--config", cfg.toString(), "--out", dir.resolve("disk-run").toString());
        assertTrue(log.contains("data: synthscenes, 48/16/16 items (images 16x16)") && log.contains("cl2cm on val"), log);

        Path clnCfg = dir.resolve("cln.json");
        Files.writeString(clnCfg, onDisk.replace("\"imageSize\": 16}", "\"imageSize\": 16, \"target\": \"fr\", \"translations\": \"en2fr\"}")
                .replace("\"stage2\": {\"epochs\": 1", "\"stage2\": {\"epochs\": 0"));
        Files.delete(root.resolve("synthscenes/images").toFile().listFiles()[0].toPath()); // not needed without stage 2
        String cln = run("train", "--config", clnCfg.toString(), "--out", dir.resolve("cln-run").toString());
        assertTrue(cln.contains("CLN on test (en <-> en2fr): R@1") && cln.contains("(captions only)"), cln);
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
        assertTrue(err.toString().contains("loss.tau must be > 0"), err.toString());
    }
}

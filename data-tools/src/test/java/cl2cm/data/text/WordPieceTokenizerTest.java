package cl2cm.data.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against Hugging Face's BertTokenizer with the real multilingual BERT (cased) vocabulary, on German, French,
 * Czech, Spanish, Japanese, Chinese, Greek, Russian and Arabic text with accents, punctuation, decomposed characters,
 * control characters, emoji and an over-long word (fixture made by tools/fixtures/make_fixtures.py).
 */
class WordPieceTokenizerTest {
    private static Vocab vocab;
    private static final List<JsonNode> CASES = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = new GZIPInputStream(WordPieceTokenizerTest.class
                .getResourceAsStream("/tokenizer/mbert-cased-vocab.txt.gz"))) {
            vocab = Vocab.read(in, "mbert-cased-vocab.txt.gz");
        }
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                WordPieceTokenizerTest.class.getResourceAsStream("/tokenizer/mbert-cases.jsonl"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                CASES.add(json.readTree(line));
            }
        }
    }

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }

    @Test
    void casedIdsMatchTransformersExactly() {
        assertEquals(119547, vocab.size());
        WordPieceTokenizer tok = new WordPieceTokenizer(vocab, false);
        for (JsonNode c : CASES) {
            String text = c.get("text").asText();
            List<String> expectedTokens = new ArrayList<>();
            c.get("tokens").forEach(t -> expectedTokens.add(t.asText()));
            assertEquals(expectedTokens, tok.tokenize(text), "tokens of: " + text);
            assertArrayEquals(ints(c.get("ids")), tok.encode(text, 0), "ids of: " + text);
        }
    }

    @Test
    void lowerCasingMatchesTransformers() {
        WordPieceTokenizer tok = new WordPieceTokenizer(vocab, true);
        for (JsonNode c : CASES) {
            String text = c.get("text").asText();
            assertArrayEquals(ints(c.get("lower_ids")), tok.encode(text, 0), "lower-cased ids of: " + text);
        }
    }

    @Test
    void truncationAndPaddingMatchTransformers() {
        WordPieceTokenizer tok = new WordPieceTokenizer(vocab, false);
        for (JsonNode c : CASES) {
            String text = c.get("text").asText();
            WordPieceTokenizer.Batch b = tok.encodeBatch(List.of(text), 16, true);
            assertArrayEquals(ints(c.get("padded16")), b.ids(), "padded ids of: " + text);
            assertEquals(Math.min(16, ints(c.get("ids")).length), b.length(0));
        }
    }

    @Test
    void batchesPadToTheLongestRow() {
        WordPieceTokenizer tok = new WordPieceTokenizer(vocab, false);
        WordPieceTokenizer.Batch b = tok.encodeBatch(List.of("Ein Hund.", "Zwei kleine Hunde spielen im Schnee."), 32, false);
        assertEquals(2, b.size());
        assertEquals(tok.encode("Zwei kleine Hunde spielen im Schnee.", 0).length, b.seqLen());
        assertEquals(0f, b.mask()[b.seqLen() - 1]);
        assertEquals(1f, b.mask()[b.seqLen() * 2 - 1]);
    }

    @Test
    void badVocabulariesGiveClearErrors(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        IOException e = assertThrows(IOException.class, () -> Vocab.load(empty));
        assertTrue(e.getMessage().contains("empty vocabulary"), e.getMessage());
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[]{'a', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        e = assertThrows(IOException.class, () -> Vocab.load(bad));
        assertTrue(e.getMessage().contains("line 2 is not valid UTF-8"), e.getMessage());
        Path noSpecials = dir.resolve("v.txt");
        Files.writeString(noSpecials, "a\nb\n");
        IllegalArgumentException ie = assertThrows(IllegalArgumentException.class,
                () -> new WordPieceTokenizer(Vocab.load(noSpecials), false));
        assertTrue(ie.getMessage().contains("[PAD]") && ie.getMessage().contains("v.txt"), ie.getMessage());
    }
}

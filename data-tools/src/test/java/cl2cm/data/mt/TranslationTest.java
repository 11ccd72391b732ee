package cl2cm.data.mt;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranslationTest {
    @TempDir
    Path dir;

    /** Upper-cases and records what it was asked. */
    private static final class Fake implements Translator {
        final List<String> asked = new ArrayList<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public List<String> translate(List<String> sentences) {
            asked.addAll(sentences);
            return sentences.stream().map(String::toUpperCase).toList();
        }
    }

    @Test
    void cacheTranslatesEachSentenceOnceAndSurvivesARestart() throws IOException {
        Path file = dir.resolve(".mt-cache/fake.tsv");
        Fake mt = new Fake();
        List<Integer> progress = new ArrayList<>();
        List<String> out = new TranslationCache(file).translate(mt, List.of("a dog", "a cat", "a dog"), progress::add);
        assertEquals(List.of("A DOG", "A CAT", "A DOG"), out);
        assertEquals(List.of("a dog", "a cat"), mt.asked);
        assertEquals(3, progress.get(progress.size() - 1));
        Fake again = new Fake();
        TranslationCache reopened = new TranslationCache(file);
        assertEquals(2, reopened.size());
        assertEquals(List.of("A CAT", "A BIRD"), reopened.translate(again, List.of("a cat", "a bird"), p -> { }));
        assertEquals(List.of("a bird"), again.asked);
        Files.writeString(file, "no tab here\n");
        IOException e = assertThrows(IOException.class, () -> new TranslationCache(file));
        assertTrue(e.getMessage().contains("fake.tsv:1"), e.getMessage());
    }

    @Test
    void unigramPrecisionClipsCounts() {
        // "un un perro" vs "un perro negro": un counted once, perro once -> 2 of 3.
        assertEquals(2 / 3.0, MtQuality.unigramPrecision(List.of("Un un perro."), List.of("Un perro negro.")), 1e-12);
        assertEquals(1.0, MtQuality.unigramPrecision(List.of("Una rana"), List.of("una RANA.")), 1e-12);
    }

    @Test
    void unsupportedPairsSaySo() {
        IOException e = assertThrows(IOException.class, () -> new ApertiumTranslator("en", "de"));
        assertTrue(e.getMessage().contains("no MT system for de"), e.getMessage());
    }

    /** A two-word dictd dictionary: "dog" has a technical sense listed first, which must not win. */
    @Test
    void freedictTranslatesWordByWord() throws IOException {
        String[] entries = {"dog /d/\nBandhaken <masc> [techn.]\n", "dog /d/\nHund <masc>, Rüde <masc>\n",
                "red /r/\nrot\n"};
        StringBuilder index = new StringBuilder();
        java.io.ByteArrayOutputStream dict = new java.io.ByteArrayOutputStream();
        String[] heads = {"dog", "dog", "red"};
        for (int i = 0; i < entries.length; i++) {
            byte[] b = entries[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            index.append(heads[i]).append('\t').append(b64(dict.size())).append('\t').append(b64(b.length)).append('\n');
            dict.writeBytes(b);
        }
        Files.writeString(dir.resolve("freedict-eng-deu.index"), index.toString());
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("freedict-eng-deu.dict.dz")))) {
            gz.write(dict.toByteArray());
        }
        FreedictTranslator t = new FreedictTranslator("en", "de", dir);
        assertEquals(List.of("ein rot Hund."), t.translate(List.of("ein red dog.")));
        assertTrue(t.name().contains("word by word"));
        IOException missing = assertThrows(IOException.class, () -> new FreedictTranslator("en", "cs", dir));
        assertTrue(missing.getMessage().contains("apt-get install dict-freedict-eng-ces"), missing.getMessage());
    }

    private static String b64(long v) {
        String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder();
        do {
            sb.insert(0, digits.charAt((int) (v % 64)));
            v /= 64;
        } while (v > 0);
        return sb.toString();
    }

    @Test
    void apertiumTranslatesWhenInstalled() throws IOException {
        boolean installed;
        try {
            installed = ApertiumTranslator.installedModes().contains("eng-spa");
        } catch (IOException e) {
            installed = false;
        }
        Assumptions.assumeTrue(installed, "Apertium with apertium-eng-spa is not installed");
        List<String> out = new ApertiumTranslator("en", "es").translate(List.of("A red car.", "A small dog"));
        assertEquals(2, out.size());
        assertTrue(out.get(0).toLowerCase().contains("coche"), out.toString());
        assertTrue(!out.get(1).endsWith("."), "no period added where the source had none: " + out);
    }
}

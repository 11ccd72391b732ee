package cl2cm.train;

import cl2cm.data.Caption;
import cl2cm.data.Split;
import cl2cm.data.text.BasicTokenizer;
import cl2cm.data.text.Vocab;
import cl2cm.data.text.WordPieceTokenizer;
import cl2cm.model.TokenBatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Captions of one split, tokenised once: for each visual item, its source captions and their machine translations
 * (aligned by k), plus flat lists of human captions by tag for evaluation queries.
 */
public final class TextData {
    private final Split split;
    private final WordPieceTokenizer tok;
    private final int maxLen;
    /** per visual index: token rows of the source captions and of their translations, same order. */
    private final List<List<int[]>> source = new ArrayList<>();
    private final List<List<int[]>> translated = new ArrayList<>();

    public TextData(Split split, WordPieceTokenizer tok, int maxLen, String sourceTag, String translationTag) {
        this.split = split;
        this.tok = tok;
        this.maxLen = maxLen;
        for (int i = 0; i < split.size(); i++) {
            source.add(new ArrayList<>());
            translated.add(new ArrayList<>());
        }
        Map<String, Caption> mt = new HashMap<>();
        for (Caption c : split.captions(translationTag)) {
            mt.put(c.visualId() + "#" + c.k(), c);
        }
        for (Caption c : split.captions(sourceTag)) {
            Caption t = mt.get(c.visualId() + "#" + c.k());
            if (t == null) {
                throw new IllegalArgumentException("split " + split.name() + ": source caption " + c.id()
                        + " has no translation tagged " + translationTag);
            }
            int item = split.indexOf(c.visualId());
            source.get(item).add(tok.encode(c.text(), maxLen));
            translated.get(item).add(tok.encode(t.text(), maxLen));
        }
        for (int i = 0; i < split.size(); i++) {
            if (source.get(i).isEmpty()) {
                throw new IllegalArgumentException("split " + split.name() + ": visual item " + split.ids().get(i)
                        + " has no " + sourceTag + " caption");
            }
        }
    }

    public Split split() {
        return split;
    }

    public int size() {
        return split.size();
    }

    public int padId() {
        return tok.padId();
    }

    public int captionCount(int item) {
        return source.get(item).size();
    }

    public int[] sourceTokens(int item, int k) {
        return source.get(item).get(k);
    }

    public int[] translatedTokens(int item, int k) {
        return translated.get(item).get(k);
    }

    /** Token rows and the visual index of every caption with this tag (evaluation queries). */
    public record Queries(List<int[]> tokens, int[] items, List<String> texts) {
    }

    public Queries queries(String tag) {
        List<Caption> caps = split.captions(tag);
        if (caps.isEmpty()) {
            throw new IllegalArgumentException("split " + split.name() + " has no captions tagged '" + tag + "' (has "
                    + split.tags() + ")");
        }
        List<int[]> rows = new ArrayList<>();
        int[] items = new int[caps.size()];
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < caps.size(); i++) {
            rows.add(tok.encode(caps.get(i).text(), maxLen));
            items[i] = split.indexOf(caps.get(i).visualId());
            texts.add(caps.get(i).text());
        }
        return new Queries(rows, items, texts);
    }

    /** Pads rows to a batch. */
    public TokenBatch batch(List<int[]> rows) {
        return TokenBatch.of(rows, tok.padId());
    }

    /**
     * A WordPiece vocabulary built from training text: the special tokens, every whole word (most frequent first),
     * then every character alone and as a "##" continuation, so any word in those scripts can still be spelled.
     */
    public static Vocab buildVocab(List<String> texts) {
        BasicTokenizer basic = new BasicTokenizer(false, false, Set.of());
        Map<String, Integer> counts = new LinkedHashMap<>();
        java.util.TreeSet<String> chars = new java.util.TreeSet<>();
        for (String t : texts) {
            for (String w : basic.tokenize(t)) {
                counts.merge(w, 1, Integer::sum);
                w.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
            }
        }
        List<String> tokens = new ArrayList<>(List.of(WordPieceTokenizer.PAD, WordPieceTokenizer.UNK,
                WordPieceTokenizer.CLS, WordPieceTokenizer.SEP, WordPieceTokenizer.MASK));
        counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> tokens.add(e.getKey()));
        java.util.Set<String> seen = new java.util.HashSet<>(tokens);
        for (String c : chars) {
            if (seen.add(c)) {
                tokens.add(c);
            }
            if (seen.add("##" + c)) {
                tokens.add("##" + c);
            }
        }
        return new Vocab(tokens);
    }
}

package cl2cm.data.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The BERT tokenizer: {@link BasicTokenizer}, then greedy longest-match-first WordPiece over each word (continuation
 * pieces prefixed "##"; a word with no full segmentation, or longer than 100 code points, becomes [UNK]), then
 * [CLS] ... [SEP], truncation and padding. Gives the ids of Hugging Face's BertTokenizer.
 */
public final class WordPieceTokenizer {
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    public static final String MASK = "[MASK]";
    private static final int MAX_WORD_CHARS = 100;

    private final Vocab vocab;
    private final BasicTokenizer basic;
    private final int pad;
    private final int unk;
    private final int cls;
    private final int sep;

    /** @param lowerCase true for uncased vocabularies (lower-cases and strips accents) */
    public WordPieceTokenizer(Vocab vocab, boolean lowerCase) {
        this.vocab = vocab;
        this.basic = new BasicTokenizer(lowerCase, false, Set.of(PAD, UNK, CLS, SEP, MASK));
        this.pad = vocab.required(PAD);
        this.unk = vocab.required(UNK);
        this.cls = vocab.required(CLS);
        this.sep = vocab.required(SEP);
    }

    public Vocab vocab() {
        return vocab;
    }

    public int padId() {
        return pad;
    }

    public int clsId() {
        return cls;
    }

    public int sepId() {
        return sep;
    }

    /** Word pieces of a text (no special tokens added). */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String word : basic.tokenize(text)) {
            if (vocab.contains(word) && word.startsWith("[") && word.endsWith("]")) {
                out.add(word); // a special token written in the text
                continue;
            }
            wordPieces(word, out);
        }
        return out;
    }

    private void wordPieces(String word, List<String> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_WORD_CHARS) {
            out.add(UNK);
            return;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            String match = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                if (start > 0) {
                    sub = "##" + sub;
                }
                if (vocab.contains(sub)) {
                    match = sub;
                    break;
                }
                end--;
            }
            if (match == null) {
                out.add(UNK);
                return;
            }
            pieces.add(match);
            start = end;
        }
        out.addAll(pieces);
    }

    /** [CLS] + ids + [SEP], truncated to maxLen (0 = no limit); no padding. */
    public int[] encode(String text, int maxLen) {
        List<String> pieces = tokenize(text);
        int keep = maxLen > 0 ? Math.min(pieces.size(), maxLen - 2) : pieces.size();
        if (keep < 0) {
            throw new IllegalArgumentException("max length " + maxLen + " leaves no room for [CLS] and [SEP]");
        }
        int[] ids = new int[keep + 2];
        ids[0] = cls;
        for (int i = 0; i < keep; i++) {
            int id = vocab.id(pieces.get(i));
            ids[i + 1] = id < 0 ? unk : id;
        }
        ids[keep + 1] = sep;
        return ids;
    }

    /** A padded batch: ids and attention mask are row-major [size, seqLen]. */
    public record Batch(int[] ids, float[] mask, int size, int seqLen) {
        /** Number of real tokens (special tokens included) in row i. */
        public int length(int i) {
            int n = 0;
            for (int t = 0; t < seqLen; t++) {
                n += mask[i * seqLen + t] > 0 ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * Encodes texts and pads them with [PAD] to a common length: the longest in the batch, or exactly {@code maxLen}
     * when {@code padToMax}. Texts longer than {@code maxLen} are truncated.
     */
    public Batch encodeBatch(List<String> texts, int maxLen, boolean padToMax) {
        int[][] rows = new int[texts.size()][];
        int longest = 0;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = encode(texts.get(i), maxLen);
            longest = Math.max(longest, rows[i].length);
        }
        int t = padToMax ? maxLen : longest;
        int[] ids = new int[rows.length * t];
        float[] mask = new float[rows.length * t];
        Arrays.fill(ids, pad);
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, ids, i * t, rows[i].length);
            Arrays.fill(mask, i * t, i * t + rows[i].length, 1f);
        }
        return new Batch(ids, mask, rows.length, t);
    }
}

package cl2cm.data.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * BERT's pre-tokenisation, as Hugging Face's BertTokenizer (transformers 5) does it: drop control characters and map
 * every whitespace to a space; put spaces around CJK ideographs; split on whitespace; optionally lower-case and strip
 * accents; split off every punctuation character. Lengths and positions count Unicode code points. There is no
 * Unicode normalisation: decomposed accents stay separate code points, as in transformers 5 (its older pure-Python
 * tokenizer applied NFC first).
 */
public final class BasicTokenizer {
    private final boolean lowerCase;
    private final boolean stripAccents;
    private final Set<String> neverSplit;

    /**
     * @param lowerCase    lower-case (and then strip accents, as Hugging Face does unless told otherwise)
     * @param stripAccents strip accents even without lower-casing
     * @param neverSplit   tokens kept whole (special tokens)
     */
    public BasicTokenizer(boolean lowerCase, boolean stripAccents, Set<String> neverSplit) {
        this.lowerCase = lowerCase;
        this.stripAccents = stripAccents || lowerCase;
        this.neverSplit = Set.copyOf(neverSplit);
    }

    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String token : splitWhitespace(tokenizeCjk(clean(text)))) {
            if (neverSplit.contains(token)) {
                out.add(token);
                continue;
            }
            String t = token;
            if (lowerCase) {
                t = t.toLowerCase(Locale.ROOT);
            }
            if (stripAccents) {
                t = stripAccents(t);
            }
            splitPunctuation(t, out);
        }
        // Hugging Face joins and re-splits here; stripping accents can only leave empty tokens, which we drop.
        out.removeIf(String::isEmpty);
        return out;
    }

    private static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            sb.appendCodePoint(isWhitespace(cp) ? ' ' : cp);
        });
        return sb.toString();
    }

    private static String tokenizeCjk(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (isCjk(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    /** Python's str.split(): runs of whitespace separate tokens, leading and trailing runs are ignored. */
    static List<String> splitWhitespace(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            boolean ws = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (ws && start >= 0) {
                out.add(text.substring(start, i));
                start = -1;
            } else if (!ws && start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static String stripAccents(String token) {
        String nfd = Normalizer.normalize(token, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        nfd.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    private static void splitPunctuation(String token, List<String> out) {
        StringBuilder cur = new StringBuilder();
        token.codePoints().forEach(cp -> {
            if (isPunctuation(cp)) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
                out.add(new String(Character.toChars(cp)));
            } else {
                cur.appendCodePoint(cp);
            }
        });
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
    }

    static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    /** Unicode category C* (other), except tab, newline and carriage return, which count as whitespace. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE
                || t == Character.SURROGATE || t == Character.UNASSIGNED;
    }

    /** ASCII symbols count as punctuation (as in BERT), plus Unicode category P*. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** The CJK Unified Ideographs blocks BERT splits per character (not Hiragana, Katakana or Hangul). */
    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}

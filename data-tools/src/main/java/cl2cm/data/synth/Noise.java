package cl2cm.data.synth;

import java.util.EnumSet;
import java.util.Set;

/**
 * The machine-translation errors to put into one pseudo-translated caption. The noise model chooses them; each
 * language's grammar realises them in its own way. Object slots are 0 (subject) and 1 (second object).
 */
public record Noise(Set<Kind> kinds, int slot, Word word) {
    /** Which word an untranslated-word or synonym error hits. */
    public enum Word { SIZE, COLOUR, SHAPE }

    public enum Kind {
        /** Adjective endings or articles that ignore gender/case (a word-by-word system's typical error). */
        WRONG_AGREEMENT,
        /** English word order: adjectives before the noun where the target puts them after, and so on. */
        ENGLISH_ORDER,
        /** The colour adjective of one object is lost. */
        DROP_COLOUR,
        /** The size adjective of one object is lost. */
        DROP_SIZE,
        /** One word left in English. */
        UNTRANSLATED,
        /** An ambiguous English word translated in the wrong sense (square -> town square, star -> celebrity). */
        WRONG_SENSE,
        /** A near-synonym in place of the usual word. */
        SYNONYM
    }

    public static final Noise NONE = new Noise(EnumSet.noneOf(Kind.class), 0, Word.COLOUR);

    public boolean has(Kind k) {
        return kinds.contains(k);
    }

    /** True when error k applies to object slot i. */
    public boolean on(Kind k, int i) {
        return kinds.contains(k) && slot == i;
    }

    /** True when error k applies to word w of object slot i. */
    public boolean on(Kind k, int i, Word w) {
        return on(k, i) && word == w;
    }
}

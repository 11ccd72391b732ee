package cl2cm.app;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which steps an instrument keeps, given as FIRST..LAST (both from 1, inclusive), e.g. {@code --trace-steps 3..5}. */
record StepWindow(int first, int last) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\.\\.(\\d{1,9})");

    /** Parses {@code text} for {@code option}; {@code max} bounds LAST when known (0: no bound). */
    static StepWindow parse(String option, String text, int max) {
        Matcher m = FORM.matcher(text);
        int first = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        int last = m.matches() ? Integer.parseInt(m.group(2)) : -1;
        if (first < 1 || last < first || (max > 0 && last > max)) {
            throw new IllegalArgumentException(option + " must be FIRST..LAST with 1 <= FIRST <= LAST"
                    + (max > 0 ? " <= --steps (" + max + ")" : "") + ", not '" + text + "'");
        }
        return new StepWindow(first, last);
    }

    boolean contains(long step) {
        return step >= first && step <= last;
    }
}

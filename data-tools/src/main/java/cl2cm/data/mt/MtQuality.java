package cl2cm.data.mt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How close machine translations are to human captions of the same pictures: corpus-level unigram precision (the
 * fraction of MT words, lower-cased, that also occur in the human caption, counts clipped as in BLEU).
 */
public final class MtQuality {
    private MtQuality() {
    }

    public static double unigramPrecision(List<String> mt, List<String> human) {
        if (mt.size() != human.size()) {
            throw new IllegalArgumentException(mt.size() + " translations for " + human.size() + " references");
        }
        long matched = 0;
        long total = 0;
        for (int i = 0; i < mt.size(); i++) {
            Map<String, Integer> ref = new HashMap<>();
            for (String w : words(human.get(i))) {
                ref.merge(w, 1, Integer::sum);
            }
            for (String w : words(mt.get(i))) {
                total++;
                Integer left = ref.get(w);
                if (left != null && left > 0) {
                    matched++;
                    ref.put(w, left - 1);
                }
            }
        }
        return total == 0 ? 0 : matched / (double) total;
    }

    static List<String> words(String s) {
        return List.of(s.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")).stream()
                .filter(w -> !w.isEmpty()).toList();
    }
}

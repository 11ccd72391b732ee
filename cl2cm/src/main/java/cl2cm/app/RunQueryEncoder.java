package cl2cm.app;

import cl2cm.data.Caption;
import cl2cm.data.Split;
import cl2cm.model.TextEncoder;
import cl2cm.search.service.QueryEncoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Queries encoded with a run's text tower, loaded once. Encoding is safe from many threads: the weights are only
 * read, and every tensor a forward pass makes belongs to the calling thread's scope.
 *
 * <p>The query's language, when not given, is guessed from the training and validation captions: each query word
 * votes for the languages whose captions contain it, a word shared by several languages with a smaller vote.
 */
final class RunQueryEncoder implements QueryEncoder {
    private final RunFolder run;
    private final TextEncoder text;
    private final String model;
    private final Map<String, Set<String>> wordsByLanguage = new HashMap<>();

    RunQueryEncoder(RunFolder run, String model) throws IOException {
        this.run = run;
        this.model = model;
        this.text = run.crossModal(model).text;
        this.text.eval();
        for (String name : List.of("train", "val")) {
            Split s = run.experiment.split(name).split();
            for (Caption c : s.allCaptions()) {
                String lang = languageOf(c.tag());
                Set<String> words = wordsByLanguage.computeIfAbsent(lang, k -> new HashSet<>());
                words.addAll(words(c.text()));
            }
        }
    }

    /** "en2de" (machine translation into German) is German; "de" is German. */
    static String languageOf(String tag) {
        int two = tag.indexOf('2');
        return two >= 0 ? tag.substring(two + 1) : tag;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    @Override
    public Encoded encode(String query, String language) {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("the query is empty");
        }
        if (language != null && !wordsByLanguage.containsKey(language)) {
            throw new IllegalArgumentException("language '" + language + "' is not one the model was trained on "
                    + languages());
        }
        if (!run.experiment.knowsAnyWordOf(query)) {
            throw new IllegalArgumentException("no word of the query is in the model's vocabulary (every token would "
                    + "be [UNK]), so every picture would score the same; try words of the languages " + languages());
        }
        float[] v = run.experiment.encodeQueries(text, List.of(query)).toFloatArray();
        return language != null ? new Encoded(v, language, false) : new Encoded(v, detect(query), true);
    }

    /** The most likely language of {@code query}, or "unknown" when no word was seen in training. */
    String detect(String query) {
        Map<String, Double> votes = new HashMap<>();
        for (String w : words(query)) {
            List<String> langs = wordsByLanguage.entrySet().stream().filter(e -> e.getValue().contains(w))
                    .map(Map.Entry::getKey).toList();
            for (String l : langs) {
                votes.merge(l, 1.0 / langs.size(), Double::sum);
            }
        }
        return votes.entrySet().stream().max(Map.Entry.<String, Double>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse("unknown");
    }

    @Override
    public List<String> languages() {
        return List.copyOf(new TreeSet<>(wordsByLanguage.keySet()));
    }

    @Override
    public String describe() {
        return model + " of " + run.dir.toAbsolutePath().normalize();
    }
}

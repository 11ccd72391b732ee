package cl2cm.data.mt;

import cl2cm.engine.io.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Translations kept beside the dataset ({@code TextData/.mt-cache/<translator>.tsv}, source TAB translation), so a
 * re-run, another split or an interrupted run only translates what is new. Saved atomically after every batch.
 */
public final class TranslationCache {
    private static final int BATCH = 500;

    private final Path file;
    private final Map<String, String> known = new LinkedHashMap<>();

    public TranslationCache(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                int tab = lines.get(i).indexOf('\t');
                if (tab < 0) {
                    throw new IOException(file + ":" + (i + 1) + ": expected 'source<TAB>translation'");
                }
                known.put(lines.get(i).substring(0, tab), lines.get(i).substring(tab + 1));
            }
        }
    }

    public int size() {
        return known.size();
    }

    /**
     * Translations of {@code sentences} in order, asking the translator only for those not cached, in batches;
     * {@code progress} receives the number of sentences done after each batch.
     */
    public List<String> translate(Translator t, List<String> sentences, IntConsumer progress) throws IOException {
        List<String> todo = new ArrayList<>();
        for (String s : sentences) {
            String key = key(s);
            if (!known.containsKey(key) && !todo.contains(key)) {
                todo.add(key);
            }
        }
        int done = sentences.size() - todo.size();
        progress.accept(done);
        for (int from = 0; from < todo.size(); from += BATCH) {
            List<String> batch = todo.subList(from, Math.min(todo.size(), from + BATCH));
            List<String> out = t.translate(batch);
            for (int i = 0; i < batch.size(); i++) {
                known.put(batch.get(i), out.get(i).replace('\t', ' ').replace('\n', ' '));
            }
            save();
            done += batch.size();
            progress.accept(Math.min(done, sentences.size()));
        }
        List<String> result = new ArrayList<>(sentences.size());
        for (String s : sentences) {
            result.add(known.get(key(s)));
        }
        return result;
    }

    private static String key(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').strip();
    }

    private void save() throws IOException {
        StringBuilder sb = new StringBuilder();
        known.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        AtomicFile.writeString(file, sb.toString());
    }
}

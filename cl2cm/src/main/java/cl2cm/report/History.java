package cl2cm.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A run's {@code history.jsonl} read back by stage: per optimizer step every numeric field (loss terms, learning
 * rate, gradient norm, update ratios), per epoch the training loss and the validation score. A line cut short by a
 * kill is skipped, as the writer does.
 */
public final class History {
    /** One stage's columns: name to values, in step (or epoch) order. */
    public record Stage(String name, Map<String, List<Double>> steps, Map<String, List<Double>> epochs) {
        public double[] column(Map<String, List<Double>> table, String key) {
            return table.getOrDefault(key, List.of()).stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** The columns of one kind, e.g. prefix "loss_" gives the loss terms. */
        public List<String> keys(String prefix) {
            return steps.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private History() {
    }

    /** The stages in the order they first appear (e.g. cln, baseline, cl2cm); empty when there is no file. */
    public static List<Stage> read(Path file) throws IOException {
        Map<String, Stage> stages = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n;
            try {
                n = line.isBlank() ? null : JSON.readTree(line);
            } catch (IOException e) {
                n = null;
            }
            if (n == null || !n.hasNonNull("stage")) {
                continue;
            }
            Stage s = stages.computeIfAbsent(n.get("stage").asText(),
                    k -> new Stage(k, new LinkedHashMap<>(), new LinkedHashMap<>()));
            Map<String, List<Double>> table = "epoch".equals(n.path("type").asText()) ? s.epochs() : s.steps();
            // A column that starts late or stops early is padded with NaN (a gap in its line): rows stay aligned.
            int row = table.values().stream().mapToInt(List::size).max().orElse(0);
            TreeSet<String> fields = new TreeSet<>();
            n.fieldNames().forEachRemaining(fields::add);
            for (String f : fields) {
                JsonNode v = n.get(f);
                if (v.isNumber() || v.isBoolean()) {
                    List<Double> col = table.computeIfAbsent(f, k -> new ArrayList<>());
                    while (col.size() < row) {
                        col.add(Double.NaN);
                    }
                    col.add(v.isBoolean() ? (v.asBoolean() ? 1.0 : 0.0) : v.asDouble());
                }
            }
            for (List<Double> col : table.values()) {   // and one that stops early
                while (col.size() <= row) {
                    col.add(Double.NaN);
                }
            }
        }
        return List.copyOf(stages.values());
    }
}

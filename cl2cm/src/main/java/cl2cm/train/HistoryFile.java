package cl2cm.train;

import cl2cm.engine.io.AtomicFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's training history as JSON lines ({@code history.jsonl}): one {"type": "step", ...} line per optimizer step
 * and one {"type": "epoch", ...} line per epoch, flushed as they come so a killed run keeps what it did. A stage that
 * starts again (fresh, or resumed from a checkpoint) first drops its own lines from that step on, so the file
 * describes one history without repeats: after a resume from step N, lines of that stage beyond step N go.
 */
public final class HistoryFile implements TrainingListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public HistoryFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public void stageStarted(String stage, long firstStep) {
        try {
            if (!Files.exists(file)) {
                return;
            }
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode n = parse(line);
                boolean stale = n != null && stage.equals(n.path("stage").asText())
                        && n.path("step").asLong(Long.MAX_VALUE) > firstStep;
                if (n != null && !stale) {
                    kept.add(line);
                }
            }
            AtomicFile.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot update the training history", e);
        }
    }

    /** A line's JSON, or null for a line cut short by a kill (dropped). */
    private static JsonNode parse(String line) {
        try {
            return line.isBlank() ? null : JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void step(Step s) {
        ObjectNode n = JSON.createObjectNode().put("type", "step").put("stage", s.stage()).put("epoch", s.epoch() + 1)
                .put("step_in_epoch", s.stepInEpoch() + 1).put("step", s.step());
        s.terms().forEach((k, v) -> n.put("loss_" + k, v));
        n.put("lr", s.lr()).put("grad_norm", s.gradNorm());
        s.updateRatios().forEach((k, v) -> n.put("update_ratio_" + k, v));
        n.put("seconds", s.seconds());
        append(n);
    }

    @Override
    public void epoch(Epoch e) {
        append(JSON.createObjectNode().put("type", "epoch").put("stage", e.stage()).put("epoch", e.epoch() + 1)
                .put("step", e.step()).put("train_loss", e.trainLoss()).put("val_score", e.valScore())
                .put("best", e.best()).put("seconds", e.seconds()));
    }

    private void append(ObjectNode n) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(JSON.writeValueAsString(n));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot append to the training history", e);
        }
    }
}
